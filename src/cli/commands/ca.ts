/** `caskit ca create-root|create-sub|list|show|revoke` over the CAS CA actions. */
import type { Command } from "commander";
import { type Opts, positiveInt, subjectOptions, withSession } from "./shared.js";

const caSubject = (o: Opts) => ({
  CommonName: o.cn,
  Organization: o.org,
  OrganizationUnit: o.ou,
  Locality: o.locality,
  State: o.state,
  CountryCode: o.country,
});

const line = (c: Record<string, any>) =>
  `${c.Identifier}  ${c.CertificateType.padEnd(8)}  ${c.Status.padEnd(6)}  ${String(c.FullAlgorithm ?? c.Algorithm).padEnd(8)}  until ${new Date(c.AfterDate).toISOString().slice(0, 10)}  ${c.SubjectDN}`;

export function register(program: Command): void {
  const ca = program.command("ca").description("create, list, show and revoke certificate authorities");

  subjectOptions(ca.command("create-root").description("create a self-signed root CA"), { cnRequired: true })
    .option("--algorithm <spec>", "RSA_2048|RSA_3072|RSA_4096|ECC_256|ECC_384|ECC_512|SM2_256", "ECC_384")
    .requiredOption("--years <n>", "validity in years", positiveInt)
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await s.call("CreateRootCACertificate", { ...caSubject(o), Algorithm: o.algorithm, Years: o.years });
        out.result(r, () => `root CA ${r.Identifier}`);
      }, { create: true }), // the first thing a new PKI makes: it may create the store (docs/cli.md)
    );

  subjectOptions(ca.command("create-sub").description("create a subordinate CA under --parent"), { cnRequired: true })
    .requiredOption("--parent <id>", "identifier of the parent CA")
    .option("--algorithm <spec>", "key spec of the same family as the parent (default: the parent's own spec)")
    .requiredOption("--years <n>", "validity in years (not beyond the parent)", positiveInt)
    .option("--path-len <n>", "basicConstraints pathLenConstraint (default 0)", (v) => Number(v))
    .option("--eku <usage...>", "extended key usages: serverAuth, clientAuth, … or OIDs")
    .option("--enable-crl", "issued certificates carry a CRL distribution point")
    .option("--crl-days <n>", "CRL validity in days (1–365)", positiveInt)
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        // Without --algorithm the parent's own spec: a sub-CA must be of its parent's family anyway.
        const algorithm = o.algorithm ?? (await s.call("DescribeCACertificate", { Identifier: o.parent })).Certificate.FullAlgorithm;
        const r = await s.call("CreateSubCACertificate", {
          ...caSubject(o),
          ParentIdentifier: o.parent,
          Algorithm: algorithm,
          Years: o.years,
          PathLenConstraint: o.pathLen,
          ExtendedKeyUsages: o.eku,
          EnableCrl: o.enableCrl ? 1 : 0,
          CrlDay: o.crlDays,
        });
        out.result(r, () => `subordinate CA ${r.Identifier}`);
      }),
    );

  ca.command("list")
    .description("list CAs")
    .option("--page <n>", "page", positiveInt, 1)
    .option("--size <n>", "page size", positiveInt, 100)
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await s.call("DescribeCACertificateList", { CurrentPage: o.page, ShowSize: o.size });
        out.result(r, () => (r.CertificateList.length ? r.CertificateList.map(line).join("\n") : "no CAs"));
      }),
    );

  ca.command("show <id>")
    .description("show one CA (--pem for its certificate only)")
    .option("--pem", "print the certificate PEM")
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await s.call("DescribeCACertificate", { Identifier: id });
        out.result(r, () => (o.pem ? r.Certificate.X509Certificate.trimEnd() : `${line(r.Certificate)}\nCRL: ${r.Certificate.CrlUrl || "-"}  issued: ${r.Certificate.CertIssuedCount}`));
      }),
    );

  ca.command("revoke <id>")
    .description("revoke a CA: it issues nothing more and its certificates report revoked")
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out) => {
        await s.call("UpdateCACertificateStatus", { Identifier: id, Status: "REVOKE" });
        out.result({ Identifier: id, Status: "REVOKE" }, () => `revoked CA ${id}`);
      }),
    );
}
