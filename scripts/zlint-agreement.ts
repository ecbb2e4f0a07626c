/**
 * zlint agreement: runs every caskit certificate and CRL rule that names a zlint lint over zlint's own
 * test inputs for that lint and compares verdicts with the expectations in zlint's *_test.go files.
 * A local measurement (CI has no zlint copy); docs/lint.md "Agreement with zlint" records the figure.
 *
 *   npx tsx scripts/zlint-agreement.ts <zlint checkout or bare git dir> [--verbose] [--json out.json]
 *
 * The checkout is read, never modified: a git directory (e.g. the mirror of github.com/zmap/zlint) is
 * exported with `git archive HEAD v3/lints v3/testdata` into a temporary directory first.
 *
 * Verdicts. zlint's statuses Pass, NA (not applicable) and NE (not yet effective) all mean "no
 * finding", Error / Warn / Notice mean "a finding". caskit's verdict is the rule's findings on the
 * input when only that rule runs (its effective date honoured, as zlint does): none → pass, else
 * the rule's default severity. Agreement is "finding or not" (the headline); a finding of a different
 * severity is listed separately. Inputs caskit cannot decode are counted as disagreements.
 * Test cases in files that configure a lint (TestLintWithConfig) are skipped: their expectation
 * depends on a configuration caskit has no equivalent of.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Rule, allRules, detectKind, lintCertificate, lintCrl } from "../src/lint/index.js";
import type { LintProfile } from "../src/lint/types.js";

/**
 * zlint lints that say the same as a caskit rule which already carries another zlint name (zlint
 * keeps RFC and BR variants of one check; a caskit rule carries one name).
 */
const ALIASES: Record<string, string | string[]> = {
  e_dnsname_empty_label: "cert.san.dns_empty_label",
  e_dnsname_label_too_long: "cert.san.dns_label_too_long",
  e_dnsname_hyphen_in_sld: "cert.san.dns_hyphen_sld",
  e_dnsname_underscore_in_sld: "cert.san.dns_underscore_sld",
  w_dnsname_underscore_in_trd: "cert.san.dns_underscore_trd",
  e_crl_revoked_certificates_field_must_be_empty: "crl.revoked.empty_list",
  e_root_ca_key_usage_present: "cert.ku.ca_missing",
  e_root_ca_key_usage_must_be_critical: "cert.ku.ca_not_critical",
  e_cab_dv_conflicts_with_org: "cert.subject.dv_organization",
  e_ca_subject_field_empty: "cert.subject.ca_empty",
  e_sub_ca_aia_missing: "cert.aia.br_sub_ca_missing",
  // zlint lints that one caskit rule splits in two (different severities): both run, findings united.
  e_crl_has_valid_reason_code: "crl.entry.reason_unspecified",
  e_crl_extensions_validity: "crl.extension.br_not_recommended",
  e_crl_number_out_of_range: "crl.number.missing",
};

type Status = "pass" | "error" | "warn" | "notice" | "fatal";
interface Case {
  lint: string;
  file: string;
  expected: Status;
  testFile: string;
}

const STATUS: Record<string, Status> = { Pass: "pass", NA: "pass", NE: "pass", Error: "error", Warn: "warn", Notice: "notice", Fatal: "fatal" };

function checkout(path: string): { root: string; cleanup: () => void } {
  if (existsSync(join(path, "v3", "lints"))) return { root: path, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "zlint-"));
  const tar = execFileSync("git", [`--git-dir=${path}`, "archive", "HEAD", "v3/lints", "v3/testdata"], { maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  return { root: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * The (lint, input, expected status) triples of one *_test.go, read by proximity: each input file
 * literal is paired with the first `lint.<Status>` after it (before the next input), else the last one
 * before it; its lint is the file's only lint name, else the nearest name literal before it.
 */
function casesOf(src: string, testFile: string, lintNames: Set<string>): Case[] {
  const names = [...src.matchAll(/"([ewn]_[a-z0-9_ ]+)"/g)].filter((m) => lintNames.has(m[1] as string));
  if (!names.length) return [];
  const files = [...src.matchAll(/"([A-Za-z0-9_./-]+\.(?:pem|der|crl))"/g)];
  const statuses = [...src.matchAll(/lint\.(Pass|NA|NE|Error|Warn|Notice|Fatal)\b/g)];
  const out: Case[] = [];
  files.forEach((f, i) => {
    const at = f.index ?? 0;
    const next = files[i + 1]?.index ?? Number.MAX_SAFE_INTEGER;
    const prev = files[i - 1]?.index ?? -1;
    const after = statuses.find((s) => (s.index ?? 0) > at && (s.index ?? 0) < next);
    const before = [...statuses].reverse().find((s) => (s.index ?? 0) < at && (s.index ?? 0) > prev);
    const st = after ?? before;
    if (!st) return;
    const unique = new Set(names.map((n) => n[1]));
    const lint = unique.size === 1 ? (names[0]?.[1] as string) : (([...names].reverse().find((n) => (n.index ?? 0) < at) ?? names.find((n) => (n.index ?? 0) > at))?.[1] as string);
    out.push({ lint, file: f[1] as string, expected: STATUS[st[1] as string] as Status, testFile });
  });
  return out;
}

function verdict(rules: Rule[], input: string | Uint8Array, crl: boolean): { status: Status | "undecodable"; message?: string } {
  const ids = rules.map((r) => r.id);
  const profile: LintProfile = { name: "zlint-agreement", extends: "cabf-br", disable: ["*"], enable: ids };
  const r = crl ? lintCrl(input, { profile }) : lintCertificate(input, { profile });
  if (r.findings.some((f) => f.rule === "input.decode" || f.rule === "input.too_large")) return { status: "undecodable", message: r.findings[0]?.message };
  const mine = r.findings.filter((f) => ids.includes(f.rule) || f.rule === "lint.rule_failed");
  if (!mine.length) return { status: "pass" };
  const s = mine[0]?.severity;
  return { status: s === "error" ? "error" : s === "warning" ? "warn" : "notice", message: mine[0]?.message };
}

function main(): void {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith("--"));
  if (!path) {
    console.error("usage: npx tsx scripts/zlint-agreement.ts <zlint checkout or git dir> [--verbose] [--json out.json]");
    process.exit(2);
  }
  const jsonOut = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
  const { root, cleanup } = checkout(path);
  try {
    const lintsDir = join(root, "v3", "lints");
    const sources = walk(lintsDir).filter((p) => p.endsWith(".go"));
    const lintNames = new Set<string>();
    for (const p of sources) if (!p.endsWith("_test.go")) for (const m of readFileSync(p, "utf8").matchAll(/Name:\s*"([^"]+)"/g)) lintNames.add(m[1] as string);
    const byLint = new Map<string, Case[]>();
    let configured = 0;
    for (const p of sources.filter((x) => x.endsWith("_test.go"))) {
      const src = readFileSync(p, "utf8");
      const cases = casesOf(src, p.slice(lintsDir.length + 1), lintNames);
      if (/WithConfig\(/.test(src)) {
        configured += cases.length;
        continue;
      }
      for (const c of cases) byLint.set(c.lint, [...(byLint.get(c.lint) ?? []), c]);
    }
    // Certificate and CRL rules only (CSR rules that carry a zlint name judge requests, not these inputs).
    const x509Rules = allRules().filter((r) => !r.targets.includes("csr"));
    const rules = new Map<string, Rule[]>();
    for (const r of x509Rules) if (r.zlint) rules.set(r.zlint, [...(rules.get(r.zlint) ?? []), r]);
    for (const [z, ids] of Object.entries(ALIASES)) {
      for (const id of [ids].flat()) {
        const r = x509Rules.find((x) => x.id === id);
        if (r && !rules.get(z)?.includes(r)) rules.set(z, [...(rules.get(z) ?? []), r]);
      }
    }
    const rows: Array<Case & { rule: string; got: string; agree: boolean; severityMatch: boolean; message?: string }> = [];
    const noTests: string[] = [];
    for (const [z, rule] of [...rules].sort()) {
      const cases = byLint.get(z) ?? [];
      const ruleIds = rule.map((r) => r.id).join("+");
      if (!cases.length) {
        noTests.push(`${z} (${ruleIds})`);
        continue;
      }
      for (const c of cases) {
        const file = join(root, "v3", "testdata", c.file);
        if (!existsSync(file)) continue;
        const text = readFileSync(file, "latin1");
        const input = /-----BEGIN/.test(text) ? text : new Uint8Array(readFileSync(file));
        const isCrl = detectKind(input) === "crl";
        const v = verdict(rule, input, isCrl);
        const flaggedZ = c.expected !== "pass";
        const flaggedC = v.status !== "pass";
        const agree = v.status !== "undecodable" && flaggedZ === flaggedC;
        rows.push({ ...c, rule: ruleIds, got: v.status, agree, severityMatch: !agree || !flaggedZ || v.status === c.expected, message: v.message });
      }
    }
    const agreeN = rows.filter((r) => r.agree).length;
    const lintsCovered = new Set(rows.map((r) => r.lint)).size;
    console.log(`zlint lints named by caskit rules: ${rules.size}; with test cases: ${lintsCovered}; test cases compared: ${rows.length} (skipped, configured lints: ${configured})`);
    console.log(`agreement (finding / no finding): ${agreeN}/${rows.length} = ${((100 * agreeN) / Math.max(1, rows.length)).toFixed(1)}%`);
    const flagged = rows.filter((r) => r.expected !== "pass");
    const clean = rows.filter((r) => r.expected === "pass");
    console.log(`  zlint finds a fault: ${flagged.filter((r) => r.agree).length}/${flagged.length} found by caskit; zlint finds none: ${clean.filter((r) => r.agree).length}/${clean.length} clean in caskit too`);
    const perLintAll = new Map<string, boolean>();
    for (const r of rows) perLintAll.set(r.lint, (perLintAll.get(r.lint) ?? true) && r.agree);
    console.log(`lints agreeing on every case: ${[...perLintAll.values()].filter(Boolean).length}/${perLintAll.size}`);
    const sev = rows.filter((r) => !r.severityMatch);
    console.log(`\ndisagreements (${rows.length - agreeN}):`);
    for (const r of rows.filter((x) => !x.agree)) console.log(`  ${r.lint} [${r.rule}] ${r.file}: zlint ${r.expected}, caskit ${r.got}${r.message ? ` — ${r.message.slice(0, 160)}` : ""}`);
    console.log(`\nsame verdict, different severity (${sev.length}):`);
    for (const r of sev) console.log(`  ${r.lint} [${r.rule}] ${r.file}: zlint ${r.expected}, caskit ${r.got}`);
    if (args.includes("--verbose")) {
      console.log(`\nzlint names without test cases found (${noTests.length}): ${noTests.join(", ")}`);
      for (const r of rows) console.log(`  ${r.agree ? "ok  " : "DIFF"} ${r.lint} ${r.file} zlint=${r.expected} caskit=${r.got}`);
    }
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rows, noTests, configured }, null, 2));
  } finally {
    cleanup();
  }
}

main();
