/** `caskit cert list|show|revoke|delete` over the CAS certificate actions. */
import { type Command, InvalidArgumentError } from "commander";
import { REVOCATION_REASONS, parseRevocationReason } from "../../revoke/index.js";
import { positiveInt, withSession } from "./shared.js";

const line = (c: Record<string, any>) =>
  `${c.Identifier}  ${c.CertificateType.padEnd(6)}  ${c.Status.padEnd(6)}  until ${new Date(c.AfterDate).toISOString().slice(0, 10)}  ${c.SubjectDN || JSON.parse(c.Sans).map((x: { Value: string }) => x.Value).join(",")}`;

/** --reason: checked before the store is opened, so a typo is a usage error (exit 2) listing the valid reasons. */
function revocationReason(v: string): string {
  try {
    return parseRevocationReason(v);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message.replace(/; use one of .*$/, "")}; valid reasons: ${REVOCATION_REASONS.join(", ")}`);
  }
}

export function register(program: Command): void {
  const cert = program.command("cert").description("list, show, revoke and delete issued certificates");
  cert
    .command("list")
    .description("list issued certificates")
    .option("--revoked", "only revoked ones")
    .option("--page <n>", "page", positiveInt, 1)
    .option("--size <n>", "page size", positiveInt, 100)
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await s.call(o.revoked ? "ListRevokeCertificate" : "ListClientCertificate", { CurrentPage: o.page, ShowSize: o.size });
        out.result(r, () => (r.CertificateList.length ? r.CertificateList.map((c: Record<string, any>) => (o.revoked ? `${c.Identifier}  revoked ${c.RevokeDate}  ${c.SubjectDN}` : line(c))).join("\n") : "no certificates"));
      }),
    );
  cert
    .command("show <id>")
    .description("show one certificate (--pem for the PEM only)")
    .option("--pem", "print the certificate PEM")
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await s.call("DescribeClientCertificate", { Identifier: id });
        out.result(r, () => (o.pem ? r.Certificate.X509Certificate.trimEnd() : `${line(r.Certificate)}\nserial ${r.Certificate.SerialNumber}  issuer ${r.Certificate.ParentIdentifier}\nSANs ${r.Certificate.Sans}`));
      }),
    );
  cert
    .command("revoke <id>")
    .description("revoke a certificate; it appears in its CA's next CRL")
    .option("--reason <reason>", `RFC 5280 reason (name or number): ${REVOCATION_REASONS.join(", ")}`, revocationReason)
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        await s.call("CreateRevokeClientCertificate", { Identifier: id, Reason: o.reason });
        out.result({ Identifier: id, Status: "REVOKE" }, () => `revoked ${id}`);
      }),
    );
  cert
    .command("delete <id>")
    .description("delete a revoked certificate")
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out) => {
        await s.call("DeleteClientCertificate", { Identifier: id });
        out.result({ Identifier: id, Deleted: true }, () => `deleted ${id}`);
      }),
    );
}
