/**
 * The order commands through the built CLI, each a fresh process: the operator's set-up, an order,
 * on-demand validation against a real DNS server (dnsmasq on loopback), show, list, renew, revoke,
 * cancel and delete — and the usage errors.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, caskit } from "../helpers/cli.js";
import { type Dnsmasq, startDnsmasq } from "../helpers/dnsmasq.js";
import { openssl, tempDir } from "../helpers/openssl.js";

const tmp = tempDir("caskit-cli-orders-");
const env = { CASKIT_DATA: join(tmp.dir, "ca.db"), CASKIT_MASTER_PASSPHRASE: "cli orders" };
const run = (...args: string[]) => caskit(args, env);
const ok = (...args: string[]) => {
  const r = run("--json", ...args);
  if (r.status !== 0) throw new Error(`caskit ${args.join(" ")} → ${r.status}: ${r.stderr}`);
  return r.json();
};
let dns: Dnsmasq | undefined;
let sub = "";
beforeAll(() => {
  assertBuilt();
  ok("init");
  const root = ok("ca", "create-root", "--cn", "Orders CLI Root", "--algorithm", "ECC_256", "--years", "5").Identifier;
  sub = ok("ca", "create-sub", "--parent", root, "--cn", "Orders CLI Sub", "--years", "2").Identifier;
});
afterAll(async () => {
  await dns?.stop();
  tmp.remove();
});

describe("caskit product / package / contact / company / order", () => {
  it("set-up: map a product, grant quota, add a contact and a company; bad input is refused", () => {
    expect(run("order", "create", "--domain", "a.example.test").stderr).toContain("CreateCertificateRequestFailed");
    ok("product", "map", "digicert-free-1-free", "--ca", sub);
    expect(ok("product", "list").find((p: { ProductCode: string }) => p.ProductCode === "digicert-free-1-free").CaIdentifier).toBe(sub);
    expect(run("order", "create", "--domain", "a.example.test").stderr).toContain("NotFoundPackage");
    ok("package", "grant", "digicert-free-1-free", "--count", "3");
    expect(ok("package", "show", "digicert-free-1-free")).toEqual([expect.objectContaining({ TotalCount: 3, UsedCount: 0, IssuedCount: 0 })]);
    expect(run("order", "create", "--domain", "a.example.test").stderr).toContain("MissingUsername");
    ok("contact", "add", "--name", "Ann", "--phone", "1", "--email", "ann@example.test");
    ok("company", "add", "--name", "Example Co", "--country", "CN");
    expect(run("product", "map", "no-such-product", "--ca", sub).status).toBe(1);
    expect(run("package", "grant", "digicert-free-1-free", "--count", "0").status).toBe(2);
    expect(run("order", "show", "abc").status).toBe(2);
    expect(run("order", "create", "--domain", "x.example.test", "--validate", "SMS").status).toBe(2);
    expect(run("order", "validate", "1", "--dcv-dns-server", "127.0.0.1:0").status).toBe(2);
  });

  it("order create prints the record; order validate finds it in DNS and issues; show prints certificate and key", async () => {
    const created = ok("order", "create", "--domain", "cli.example.test");
    expect(created).toMatchObject({ Type: "domain_verify", RecordDomain: "_dnsauth" });
    expect(run("order", "create", "--domain", "cli2.example.test").stdout).toMatch(/publish TXT "\d{14}[0-9a-f]{34}" at _dnsauth\.cli2\.example\.test/);
    dns = await startDnsmasq({ txt: { "_dnsauth.cli.example.test": [created.RecordValue] } });
    const wrong = ok("order", "validate", String(created.OrderId + 1), "--dcv-dns-server", dns.server);
    expect(wrong.Status).toBe("domain_verify");
    expect(wrong.LastOutcome).toMatch(/^not_found/);
    expect(ok("order", "validate", String(created.OrderId), "--dcv-dns-server", dns.server).Status).toBe("certificate");
    const shown = run("order", "show", String(created.OrderId));
    expect(shown.status).toBe(0);
    const file = join(tmp.dir, "issued.pem");
    writeFileSync(file, shown.stdout);
    expect(openssl(["x509", "-in", file, "-noout", "-subject"]).stdout).toContain("CN = cli.example.test");
    expect(openssl(["pkey", "-in", file, "-pubout"]).stdout).toBe(openssl(["x509", "-in", file, "-noout", "-pubkey"]).stdout);
    const list = ok("order", "list", "--status", "ISSUED");
    expect(list.CertificateOrderList.map((o: { OrderId: number }) => o.OrderId)).toEqual([created.OrderId]);
    expect(run("order", "list").stdout).toContain("CHECKING");

    const renewed = ok("order", "renew", String(created.OrderId));
    expect(renewed.OrderId).toBeGreaterThan(created.OrderId + 1);
    ok("order", "revoke", String(created.OrderId));
    expect(run("order", "revoke", String(created.OrderId)).stderr).toContain("OrderStateError");
    ok("order", "cancel", String(renewed.OrderId));
    ok("order", "delete", String(renewed.OrderId));
    expect(run("order", "show", String(renewed.OrderId)).stderr).toContain("NotFoundOrder");
    // Three applications, one deleted (back), one revoked within 30 days (back): one unit used.
    expect(ok("package", "show", "digicert-free-1-free")[0]).toMatchObject({ TotalCount: 3, UsedCount: 1, IssuedCount: 0 });
  });
});
