/**
 * Revocation that must never be undone or ignored: deleting a revoked certificate keeps it on the CRL,
 * reasons OpenSSL would not honour are refused, a CA is never revoked by omission, CRL freshness
 * follows a counter (not clocks), the parent's CRL carries the reason a sub-CA was revoked with, and
 * one serial space per issuer. Every CRL is judged by OpenSSL.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/crypto/keys.js";
import { createCsr } from "../../src/csr/index.js";
import { toPem } from "../../src/internal/pem.js";
import { currentCrl } from "../../src/service/index.js";
import { crlFailureLog, refreshAllCrls } from "../../src/service/crl.js";
import { openssl } from "../helpers/openssl.js";
import { ROOT_PARAMS, SUB_PARAMS, refusal, sqliteContext } from "../helpers/service.js";

let clock = new Date();
let s: Awaited<ReturnType<typeof sqliteContext>>;
let rootId = "";
let subId = "";
let csr = "";
beforeAll(async () => {
  s = await sqliteContext({ now: () => clock });
  rootId = (await s.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
  subId = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: rootId, PathLenConstraint: 1 })).Identifier;
  csr = createCsr({ key: await generateKeyPair("ECC_256"), subject: { commonName: "rev.example.com" } }).pem;
});
afterAll(() => s.close());


const pemOf = async (id: string) => (await s.call("DescribeCACertificate", { Identifier: id })).Certificate.X509Certificate as string;
const crlOf = (caId: string) => s.ctx.store.transaction(async (tx) => currentCrl(s.ctx, tx, (await tx.cas.get("default", caId))!));

/** OpenSSL's verdict on `leafPem` under root → sub with the sub's current CRL (and the root's). */
async function verdict(leafPem: string): Promise<{ ok: boolean; out: string }> {
  const f = (n: string, d: string | Uint8Array) => {
    writeFileSync(s.tmp.path(n), d);
    return s.tmp.path(n);
  };
  const crls = f("crls.pem", toPem("X509 CRL", (await crlOf(subId)).der) + toPem("X509 CRL", (await crlOf(rootId)).der));
  const r = openssl(["verify", "-crl_check_all", "-CAfile", f("root.pem", await pemOf(rootId)), "-untrusted", f("sub.pem", await pemOf(subId)), "-CRLfile", crls, f("leaf.pem", leafPem)]);
  return { ok: r.ok, out: r.stdout + r.stderr };
}

const issue = () => s.call("CreateServerCertificateWithCsr", { ParentIdentifier: subId, Csr: csr, Days: 30, Immediately: 1 });

describe("revocation", () => {
  it("deleting a revoked certificate before the next CRL keeps it on the CRL: OpenSSL still says revoked", async () => {
    const leaf = await issue();
    expect((await verdict(leaf.X509Certificate)).ok).toBe(true);
    await s.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier, Reason: "keyCompromise" });
    await s.call("DeleteClientCertificate", { Identifier: leaf.Identifier });
    // Gone from lookups and lists …
    expect((await refusal(s.call("DescribeClientCertificate", { Identifier: leaf.Identifier }))).code).toBe("NotFoundCertificate");
    expect((await s.call("ListRevokeCertificate", { ShowSize: 1000 })).CertificateList.map((c: { Identifier: string }) => c.Identifier)).not.toContain(leaf.Identifier);
    // … but never un-revoked: the CRL built after the delete lists it.
    const v = await verdict(leaf.X509Certificate);
    expect(v.ok).toBe(false);
    expect(v.out).toContain("certificate revoked");
  });

  it.each(["removeFromCRL", "8", "certificateHold", "6", "because"])("refuses revocation reason %s (InvalidReason) and leaves the certificate valid", async (reason) => {
    const leaf = await issue();
    const e = await refusal(s.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier, Reason: reason }));
    expect([e.code, e.status]).toEqual(["InvalidReason", 400]);
    expect(e.message).toContain("keyCompromise");
    expect((await s.call("DescribeClientCertificate", { Identifier: leaf.Identifier })).Certificate.Status).toBe("ISSUE");
    expect((await verdict(leaf.X509Certificate)).ok).toBe(true);
  });

  it("UpdateCACertificateStatus never revokes by omission: no Status is MissingStatus, another is InvalidStatus", async () => {
    const sub = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Kept Sub", ParentIdentifier: rootId })).Identifier;
    expect((await refusal(s.call("UpdateCACertificateStatus", { Identifier: sub }))).code).toBe("MissingStatus");
    expect((await refusal(s.call("UpdateCACertificateStatus", { Identifier: sub, Status: "ISSUE" }))).code).toBe("InvalidStatus");
    expect((await refusal(s.call("UpdateCACertificateStatus", { Identifier: sub, Status: "REVOKE", Reason: "removeFromCRL" }))).code).toBe("InvalidReason");
    expect((await s.call("DescribeCACertificate", { Identifier: sub })).Certificate.Status).toBe("ISSUE");
  });

  it("the parent's CRL lists a revoked sub-CA with the reason given (none when none was given)", async () => {
    const a = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Superseded Sub", ParentIdentifier: rootId })).Identifier;
    const b = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Plain Sub", ParentIdentifier: rootId })).Identifier;
    await s.call("UpdateCACertificateStatus", { Identifier: a, Status: "REVOKE", Reason: "superseded" });
    await s.call("UpdateCACertificateStatus", { Identifier: b, Status: "REVOKE" });
    writeFileSync(s.tmp.path("rootcrl.pem"), toPem("X509 CRL", (await crlOf(rootId)).der));
    writeFileSync(s.tmp.path("rootca.pem"), await pemOf(rootId));
    const t = openssl(["crl", "-in", s.tmp.path("rootcrl.pem"), "-CAfile", s.tmp.path("rootca.pem"), "-noout", "-text"]);
    expect(t.stderr).toContain("verify OK");
    const serial = async (id: string) => ((await s.call("DescribeCACertificate", { Identifier: id })).Certificate.SerialNumber as string).toUpperCase();
    const block = (sn: string) => t.stdout.split("Serial Number: ").find((x) => x.startsWith(sn)) ?? "";
    expect(block(await serial(a))).toContain("Superseded");
    expect(block(await serial(b))).not.toContain("CRL Reason Code");
    expect(t.stdout).not.toContain("CA Compromise");
  });

  it("a revocation stamped before the latest CRL (a host whose clock is behind) still makes it stale", async () => {
    const leaf = await issue();
    await crlOf(subId); // fresh CRL, built now
    const real = clock;
    clock = new Date(real.getTime() - 3_600_000); // this revoker's clock is an hour behind
    await s.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier });
    clock = real;
    const v = await verdict(leaf.X509Certificate);
    expect(v.ok).toBe(false);
    expect(v.out).toContain("certificate revoked");
  });

  it("one serial space per issuer: a custom serial equal to a sibling sub-CA's is refused (Conflict), nothing stored", async () => {
    const child = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Child Of Sub", ParentIdentifier: subId, Years: 1 })).Identifier;
    const hex = (await s.call("DescribeCACertificate", { Identifier: child })).Certificate.SerialNumber as string;
    const before = await s.ctx.store.counts();
    const e = await refusal(
      s.call("CreateCustomCertificate", { ParentIdentifier: subId, Csr: csr, Validity: "30d", ApiPassthrough: { SerialNumber: BigInt(`0x${hex}`).toString() } }),
    );
    expect(e.code).toBe("Conflict");
    const after = await s.ctx.store.counts();
    expect(after.certificates).toBe(before.certificates);
  });
});

describe("the scheduled CRL refresh", () => {
  it("one CA's failure neither stops the others nor is logged on every pass", async () => {
    const broken = (await s.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Broken Sub", ParentIdentifier: rootId })).Identifier;
    // A CA whose key no longer opens: its CRL cannot be signed.
    const db = (await import("better-sqlite3")).default(s.tmp.path("caskit.db"));
    db.prepare("UPDATE cas SET key_enc = (SELECT key_enc FROM cas WHERE id = ?) WHERE id = ?").run(rootId, broken);
    db.close();
    const leaf = await issue();
    await s.call("CreateRevokeClientCertificate", { Identifier: leaf.Identifier });
    const logged: Array<[string, object]> = [];
    const report = crlFailureLog({ error: (o, m) => logged.push([m, o]), info: (o, m) => logged.push([m, o]) });
    const rebuilt = await refreshAllCrls(s.ctx.store, s.ctx.config, () => clock, report);
    expect(rebuilt).toContain(subId);
    expect(rebuilt).not.toContain(broken);
    await refreshAllCrls(s.ctx.store, s.ctx.config, () => clock, report);
    const failures = logged.filter(([, o]) => (o as { caId?: string }).caId === broken);
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).not.toMatch(/BEGIN|PRIVATE/);
    expect((await verdict(leaf.X509Certificate)).out).toContain("certificate revoked");
  });
});

describe("sub-CA certificates point to where their revocation is published", () => {
  it("carry the parent's CRL URL (CDP) and certificate URL (AIA); revoked, the sub-CA fails OpenSSL's chain check", async () => {
    const t = await sqliteContext({ config: { crlBaseUrl: "http://pki.example.test/", aiaBaseUrl: "http://aia.example.test", defaultCrlDays: 7 } });
    try {
      const root = (await t.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
      const sub = await t.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root });
      const subNoCrl = await t.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "No CRL Sub", ParentIdentifier: root, EnableCrl: "0", PathLenConstraint: 1 });
      const grandchild = await t.call("CreateSubCACertificate", { ...SUB_PARAMS, CommonName: "Under No CRL", ParentIdentifier: subNoCrl.Identifier, Years: 1 });
      const text = openssl(["x509", "-noout", "-text"], { input: sub.Certificate }).stdout;
      expect(text).toContain(`URI:http://pki.example.test/crl/${root}.crl`);
      expect(text).toContain(`CA Issuers - URI:http://aia.example.test/ca/${root}.crt`);
      // A parent that keeps no CRL names none; the AIA is still there.
      const gtext = openssl(["x509", "-noout", "-text"], { input: grandchild.Certificate }).stdout;
      expect(gtext).not.toContain("CRL Distribution Points");
      expect(gtext).toContain(`CA Issuers - URI:http://aia.example.test/ca/${subNoCrl.Identifier}.crt`);
      const leaf = await t.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub.Identifier, Csr: csr, Days: 30, Immediately: 1 });
      await t.call("UpdateCACertificateStatus", { Identifier: sub.Identifier, Status: "REVOKE", Reason: "keyCompromise" });
      const rootCrl = await t.ctx.store.transaction(async (tx) => currentCrl(t.ctx, tx, (await tx.cas.get("default", root))!));
      const subCrl = await t.ctx.store.transaction(async (tx) => currentCrl(t.ctx, tx, (await tx.cas.get("default", sub.Identifier))!));
      const f = (n: string, d: string) => {
        writeFileSync(t.tmp.path(n), d);
        return t.tmp.path(n);
      };
      const rootPem = (await t.call("DescribeCACertificate", { Identifier: root })).Certificate.X509Certificate;
      const v = openssl(["verify", "-crl_check_all", "-CAfile", f("r.pem", rootPem), "-untrusted", f("s.pem", sub.Certificate), "-CRLfile", f("c.pem", toPem("X509 CRL", rootCrl.der) + toPem("X509 CRL", subCrl.der)), f("l.pem", leaf.X509Certificate)]);
      expect(v.ok).toBe(false);
      expect(v.stdout + v.stderr).toContain("certificate revoked");
      expect(openssl(["crl", "-noout", "-text"], { input: toPem("X509 CRL", rootCrl.der) }).stdout).toContain("Key Compromise");
    } finally {
      await t.close();
    }
  });
});

describe("certificates under a revoked CA: one meaning everywhere", () => {
  it("read revoked with the CA's revocation time in Describe, the status call and ListRevokeCertificate; CA counts are reported", async () => {
    const t = await sqliteContext();
    try {
      const root = (await t.call("CreateRootCACertificate", ROOT_PARAMS)).Identifier;
      const sub = (await t.call("CreateSubCACertificate", { ...SUB_PARAMS, ParentIdentifier: root })).Identifier;
      const a = await t.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub, Csr: csr, Days: 30 });
      await t.call("CreateServerCertificateWithCsr", { ParentIdentifier: sub, Csr: csr, Days: 30 });
      const rootView = (await t.call("DescribeCACertificate", { Identifier: root })).Certificate;
      const subView = (await t.call("DescribeCACertificate", { Identifier: sub })).Certificate;
      expect(rootView).toMatchObject({ CertIssuedCount: 1, CertTotalCount: 2_147_483_647, CertRemainingCount: 2_147_483_646 });
      expect(subView).toMatchObject({ CertIssuedCount: 2, CertRemainingCount: 2_147_483_645 });
      expect((await t.call("ListRevokeCertificate")).TotalCount).toBe(0);

      await t.call("UpdateCACertificateStatus", { Identifier: sub, Status: "REVOKE" });
      const caRevoked = (await t.ctx.store.read((tx) => tx.cas.get("default", sub)))?.revokedAt?.getTime();
      expect(caRevoked).toBeGreaterThan(0);
      const [status] = (await t.call("DescribeClientCertificateStatus", { Identifier: a.Identifier })).CertificateStatus;
      expect(status).toMatchObject({ Status: "revoked", RevokeTime: caRevoked });
      expect((await t.call("DescribeClientCertificate", { Identifier: a.Identifier })).Certificate.Status).toBe("REVOKE");
      const listed = await t.call("ListRevokeCertificate");
      expect(listed.TotalCount).toBe(2);
      expect(listed.CertificateList.map((c: { Identifier: string }) => c.Identifier)).toContain(a.Identifier);
      expect(listed.CertificateList[0].Status).toBe("REVOKE");
    } finally {
      await t.close();
    }
  });
});

describe("the audit log of refused calls", () => {
  it("keeps only a well-formed identifier as the target, never the caller's raw bytes", async () => {
    const huge = "A".repeat(1_000_000);
    for (const Identifier of [huge, "x'); DROP TABLE audit_log;--", "0123456789abcdef0123456789abcdef"]) {
      await refusal(s.call("CreateRevokeClientCertificate", { Identifier }));
    }
    const rows = await s.ctx.store.read((tx) => tx.audit.list(3));
    expect(rows.map((r) => r.target)).toEqual(["0123456789abcdef0123456789abcdef", null, null]);
    expect(rows.every((r) => r.outcome === "error" && (r.detail?.length ?? 0) < 100)).toBe(true);
  });
});
