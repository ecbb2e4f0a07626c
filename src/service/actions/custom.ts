/**
 * CreateCustomCertificate (docs/cas-api.md): issue from a CSR with the caller's validity string, subject,
 * key usages, extended key usages, typed SANs, critical flags and optionally serial number
 * (ApiPassthrough, flat style). Subject CustomAttributes are refused (not supported).
 */
import { z } from "zod";
import { parseCsr } from "../../csr/index.js";
import type { CustomCritical, CustomKeyUsage } from "../../issue/issuer.js";
import type { CaRecord } from "../../store/port.js";
import type { SanEntry, ValidityParams } from "../../types.js";
import { issuerOf } from "../authority.js";
import { lintCertificate } from "../../lint/index.js";
import type { ServiceContext } from "../context.js";
import { ServiceError, invalid } from "../errors.js";
import { bool, int, list, str } from "../params.js";
import { defineAction } from "../run.js";
import { commitDraft, draft } from "./issue.js";

const KEY_USAGE_NAMES: Record<string, CustomKeyUsage | "forbidden"> = {
  DigitalSignature: "digitalSignature",
  ContentCommitment: "nonRepudiation",
  NonRepudiation: "nonRepudiation",
  KeyEncipherment: "keyEncipherment",
  DataEncipherment: "dataEncipherment",
  KeyAgreement: "keyAgreement",
  EncipherOnly: "forbidden",
  DecipherOnly: "forbidden",
};
const SAN_TYPES: Record<string, SanEntry["type"]> = { rfc822Name: "email", dNSName: "dns", uniformResourceIdentifier: "uri", iPAddress: "ip" };
const CRITICAL_NAMES: Record<string, CustomCritical> = { KeyUsage: "KeyUsage", ExtendedKeyUsages: "ExtendedKeyUsages", SubjectAlternativeNames: "SubjectAlternativeNames" };

const passthrough = z
  .object({
    Subject: z
      .object({
        Country: z.string().regex(/^[A-Za-z]{2}$/).optional(),
        State: str(128).optional(),
        Locality: str(128).optional(),
        Organization: str(64).optional(),
        OrganizationUnit: str(64).optional(),
        CommonName: str(64).optional(),
        CustomAttributes: z.unknown().optional(),
      })
      .optional(),
    Extensions: z
      .object({
        KeyUsage: z.record(z.string(), bool).optional(),
        ExtendedKeyUsages: list(z.string().min(1).max(64)).optional(),
        SubjectAlternativeNames: z.array(z.object({ Type: z.string(), Value: z.string().min(1).max(1024) })).optional(),
        Criticals: list(z.string().min(1).max(64)).optional(),
      })
      .optional(),
    SerialNumber: z.union([z.string().regex(/^\d{1,49}$/), z.number().int().positive()]).optional(),
  })
  .optional();

/** `1y` / `3m` / `7d`, an absolute `yyyy-MM-ddTHH:mm:ssZ` (notAfter), or `notBefore/notAfter`. */
export function parseValidity(v: string, now: Date): ValidityParams {
  const rel = /^(\d{1,5})([ymd])$/.exec(v);
  if (rel) {
    const n = Number(rel[1]);
    return rel[2] === "y" ? { years: n } : rel[2] === "m" ? { months: n } : { days: n };
  }
  const at = (s: string) => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(s) || Number.isNaN(Date.parse(s))) throw invalid("Validity", "use 1y, 3m, 7d, yyyy-MM-ddTHH:mm:ssZ or notBefore/notAfter");
    return Math.floor(Date.parse(s) / 1000);
  };
  const [a, b, ...rest] = v.split("/");
  if (rest.length || a === undefined) throw invalid("Validity", "too many parts");
  if (b === undefined) return { beforeTime: Math.floor(now.getTime() / 1000), afterTime: at(a) };
  return { beforeTime: at(a), afterTime: at(b) };
}

/**
 * A custom profile can ask for certificates no relying party should see (an EC key "enciphering", a
 * serverAuth leaf naming nothing). Each one is linted under the `cas` profile before it is stored:
 * `refuse` answers InvalidCertificate.Lint and stores nothing; `warn` (the default) issues it and adds
 * `LintFindings` (a caskit field the SDK ignores); `off` skips the lint.
 */
function lintGate(ctx: ServiceContext, certificatePem: string, issuerPem: string): Array<{ Rule: string; Severity: string; Message: string }> {
  const mode = ctx.config.customLint ?? "warn";
  if (mode === "off") return [];
  const report = lintCertificate(certificatePem, { profile: "cas", issuer: issuerPem, now: ctx.now() });
  const serious = report.findings.filter((f) => f.severity !== "notice");
  if (mode === "refuse" && report.counts.error > 0) {
    const errors = serious.filter((f) => f.severity === "error");
    throw new ServiceError("InvalidCertificate.Lint", 400, `the certificate would break ${errors.length} lint rule(s): ${errors.map((f) => `${f.rule} (${f.message.slice(0, 120)})`).join("; ").slice(0, 900)}`);
  }
  return serious.map((f) => ({ Rule: f.rule, Severity: f.severity, Message: f.message }));
}

type CustomParams = { Validity: string; ApiPassthrough?: z.output<typeof passthrough>; EnableCrl?: boolean };

/** The issuer's options from the request's ApiPassthrough (InvalidParameter for what caskit does not support). */
function customOptions(ctx: ServiceContext, p: CustomParams, rec: CaRecord) {
  const ap = p.ApiPassthrough ?? {};
  if (ap.Subject?.CustomAttributes !== undefined) throw invalid("ApiPassthrough.Subject.CustomAttributes", "custom subject attributes are not supported by caskit");
  const ku = ap.Extensions?.KeyUsage;
  const usages: CustomKeyUsage[] | undefined = ku
    ? Object.entries(ku)
        .filter(([, on]) => on)
        .map(([name]) => {
          const u = KEY_USAGE_NAMES[name];
          if (!u || u === "forbidden") throw invalid("ApiPassthrough.Extensions.KeyUsage", `${name.slice(0, 40)} is not supported`);
          return u;
        })
    : undefined;
  const sans = ap.Extensions?.SubjectAlternativeNames?.map((s) => {
    const type = SAN_TYPES[s.Type];
    if (!type) throw invalid("ApiPassthrough.Extensions.SubjectAlternativeNames", `unknown Type ${s.Type.slice(0, 40)}`);
    return { type, value: s.Value } as SanEntry;
  });
  const critical = ap.Extensions?.Criticals?.map((c) => {
    const k = CRITICAL_NAMES[c];
    if (!k) throw invalid("ApiPassthrough.Extensions.Criticals", `cannot mark ${c.slice(0, 40)} critical`);
    return k;
  });
  const s = ap.Subject ?? {};
  return {
    ...parseValidity(p.Validity, ctx.now()),
    subject: { commonName: s.CommonName, organization: s.Organization, organizationalUnit: s.OrganizationUnit, country: s.Country, state: s.State, locality: s.Locality },
    keyUsage: usages,
    extendedKeyUsages: ap.Extensions?.ExtendedKeyUsages,
    sans,
    critical,
    serialNumber: ap.SerialNumber === undefined ? undefined : BigInt(ap.SerialNumber),
    enableCrl: p.EnableCrl ?? (rec.crlEnabled && !!ctx.config.crlBaseUrl),
    crlShards: rec.crlShards,
  };
}

export const createCustomCertificate = defineAction({
  name: "CreateCustomCertificate",
  mutates: true,
  schema: z.object({
    ParentIdentifier: str(64),
    Csr: z.string().min(1).max(70_000),
    Validity: str(64),
    ApiPassthrough: passthrough,
    Immediately: int(0, 2).default(0),
    EnableCrl: bool.optional(),
  }),
  // Drafted before the transaction like every issuance (issue.ts): built, signed and linted with no lock held.
  prepare: async (p, ctx) => {
    const csr = parseCsr(p.Csr);
    const d = await draft(ctx, p.ParentIdentifier, (rec, issuer) => issuer.customFromCsr(csr, customOptions(ctx, p, rec)));
    return { draft: d, findings: lintGate(ctx, d.result.certificatePem, d.rec.certificatePem) };
  },
  async handler(ctx, p, tx, { draft: d, findings }) {
    const out: Record<string, unknown> = await commitDraft(ctx, tx, d, p.Immediately);
    if (findings.length) out.LintFindings = findings;
    // §6.7 names the certificate field `Certificate` (not X509Certificate).
    if (out.X509Certificate) {
      out.Certificate = out.X509Certificate;
      delete out.X509Certificate;
    }
    return out;
  },
  admitAlongside: true,
  target: (_p, r) => (typeof r.Identifier === "string" ? r.Identifier : null),
});
