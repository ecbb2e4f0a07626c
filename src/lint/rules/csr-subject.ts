/** CSR subject rules (docs/csr-policy.md "Subject"): parseCsr's bad_subject, one rule per fault. */
import { oidExcerpt } from "../../csr/der-reader.js";
import { directoryStringLength, forbiddenCharacter } from "../../csr/names.js";
import { ATTRIBUTE_NAMES, CN_TAGS, decodeString } from "../../csr/subject.js";
import type { SubjectAttribute } from "../csr-analysis.js";
import { type CsrContext, csrRule, registerRules } from "../registry.js";
import { ALL, CASKIT, CSR_POLICY, POLICY, at } from "./csr-common.js";

const CN = "2.5.4.3";
const C = "2.5.4.6";
const attrs = (ctx: CsrContext, oid?: string): SubjectAttribute[] => (ctx.csr.subject ?? []).filter((a) => oid === undefined || a.oid === oid);

registerRules([
  csrRule({
    id: "csr.subject.cn_multiple",
    severity: "error",
    profiles: POLICY,
    citation: `CABF BR §7.1.4.3; ${CSR_POLICY} "Subject"`,
    csrCode: "bad_subject",
    description: "The subject has at most one CN (libraries disagree on which of several counts).",
    check: (ctx) => {
      const cns = attrs(ctx, CN);
      return cns.length > 1 ? [at(`the subject has ${cns.length} CNs; libraries disagree on which counts — keep one`, cns[1]?.location)] : [];
    },
  }),
  csrRule({
    id: "csr.subject.cn_type",
    severity: "error",
    profiles: CASKIT,
    citation: `RFC 5280 §4.1.2.4 (DirectoryString); ${CSR_POLICY} "Subject"`,
    csrCode: "bad_subject",
    description: "The CN is a UTF8String (valid UTF-8), PrintableString, ASCII TeletexString or BMPString.",
    check: (ctx) =>
      attrs(ctx, CN)
        .filter((a) => !CN_TAGS.has(a.tag) || decodeString(a.tag, a.raw) === null)
        .map((a) => at("the CN is not a UTF8String, PrintableString, ASCII TeletexString or BMPString", a.location)),
  }),
  csrRule({
    id: "csr.subject.cn_length",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 Appendix A (ub-common-name 64)",
    zlint: "e_subject_common_name_max_length",
    csrCode: "bad_subject",
    description: "The CN is at most 64 characters.",
    check: (ctx) =>
      attrs(ctx, CN).flatMap((a) => {
        const v = decodeString(a.tag, a.raw);
        return v !== null && [...v].length > 64 ? [at(`the CN is ${[...v].length} characters; at most 64 (X.520 ub-common-name) — put long names in the SANs`, a.location)] : [];
      }),
  }),
  csrRule({
    id: "csr.subject.country",
    severity: "error",
    profiles: ALL,
    citation: "RFC 5280 Appendix A; X.520 §6.3.1 (ISO 3166 alpha-2)",
    csrCode: "bad_subject",
    description: "countryName is exactly two letters.",
    check: (ctx) =>
      attrs(ctx, C).flatMap((a) => {
        const v = decodeString(a.tag, a.raw);
        return v === null || !/^[A-Za-z]{2}$/.test(v) ? [at("countryName must be exactly two letters (ISO 3166)", a.location)] : [];
      }),
  }),
  csrRule({
    id: "csr.subject.forbidden_character",
    severity: "error",
    profiles: CASKIT,
    citation: `${CSR_POLICY} "Subject" (text of every attribute)`,
    zlint: "e_subject_dn_not_printable_characters",
    csrCode: "bad_subject",
    description: "No subject attribute holds a control character (C0, DEL, C1), an unpaired surrogate or a Unicode bidi control.",
    check: (ctx) =>
      attrs(ctx).flatMap((a) => {
        const v = decodeString(a.tag, a.raw);
        if (v === null || directoryStringLength(v) >= 0) return [];
        return [at(`the subject's ${oidExcerpt(ATTRIBUTE_NAMES[a.oid] ?? a.oid)} contains ${forbiddenCharacter(v)}`, a.location)];
      }),
  }),
]);
