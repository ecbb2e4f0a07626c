/**
 * The straightforward way to build a TBSCertificate: @peculiar/asn1-x509 schema objects serialized
 * with AsnConvert. The fast path in src/issue must produce the same bytes; this file exists only to
 * prove that (test/issue/tbs-identical.test.ts).
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as X from "@peculiar/asn1-x509";
import { parseIpAddress } from "../../src/csr/names.js";
import type { SanEntry, SubjectParams } from "../../src/types.js";

export interface ReferenceLeaf {
  serialHex: string;
  signatureAlgorithmDer: Uint8Array;
  issuerNameDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subject: SubjectParams;
  spki: Uint8Array;
  /** A CAS server/client profile, or a CreateCustomCertificate one. */
  profile: "SERVER" | "CLIENT" | CustomProfile;
  rsa: boolean;
  skid: Uint8Array;
  akid: Uint8Array;
  sans: SanEntry[];
  crlUrl?: string;
  aiaUrl?: string;
  /** The AIA OCSP URI, written before caIssuers. */
  ocspUrl?: string;
}

export interface CustomProfile {
  /** KeyUsageFlags bits; keyUsage is always critical. */
  keyUsage: number;
  ekus: string[];
  ekuCritical: boolean;
  sanCritical: boolean;
}

const ORDER: Array<[keyof SubjectParams, string]> = [
  ["country", "2.5.4.6"],
  ["state", "2.5.4.8"],
  ["locality", "2.5.4.7"],
  ["organization", "2.5.4.10"],
  ["organizationalUnit", "2.5.4.11"],
  ["commonName", "2.5.4.3"],
];

function name(subject: SubjectParams): X.Name {
  const rdns: X.RelativeDistinguishedName[] = [];
  for (const [k, type] of ORDER) {
    const v = subject[k];
    if (v === undefined) continue;
    const value = new X.AttributeValue(k === "country" ? { printableString: v } : { utf8String: v });
    rdns.push(new X.RelativeDistinguishedName([new X.AttributeTypeAndValue({ type, value })]));
  }
  return new X.Name(rdns);
}

const ext = (extnID: string, critical: boolean, value: unknown) =>
  new X.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

export function referenceTbs(p: ReferenceLeaf): Uint8Array {
  const custom = typeof p.profile === "object" ? p.profile : null;
  // RSA servers may also encipher (RSA key exchange); clients only sign.
  const ku = custom ? custom.keyUsage : p.rsa && p.profile === "SERVER" ? X.KeyUsageFlags.digitalSignature | X.KeyUsageFlags.keyEncipherment : X.KeyUsageFlags.digitalSignature;
  const exts = [ext(X.id_ce_basicConstraints, true, new X.BasicConstraints()), ext(X.id_ce_keyUsage, true, new X.KeyUsage(ku))];
  if (custom) {
    if (custom.ekus.length) exts.push(ext(X.id_ce_extKeyUsage, custom.ekuCritical, new X.ExtendedKeyUsage(custom.ekus)));
  } else {
    exts.push(ext(X.id_ce_extKeyUsage, false, new X.ExtendedKeyUsage([p.profile === "SERVER" ? X.id_kp_serverAuth : X.id_kp_clientAuth])));
  }
  exts.push(
    ext(X.id_ce_subjectKeyIdentifier, false, new X.SubjectKeyIdentifier(p.skid)),
    ext(X.id_ce_authorityKeyIdentifier, false, new X.AuthorityKeyIdentifier({ keyIdentifier: new X.KeyIdentifier(p.akid) })),
  );
  if (p.sans.length) {
    const names = p.sans.map((s) => {
      if (s.type === "dns") return new X.GeneralName({ dNSName: s.value });
      if (s.type === "email") return new X.GeneralName({ rfc822Name: s.value });
      if (s.type === "uri") return new X.GeneralName({ uniformResourceIdentifier: s.value });
      return new X.GeneralName({ iPAddress: parseIpAddress(s.value)?.text as string });
    });
    exts.push(ext(X.id_ce_subjectAltName, Object.keys(p.subject).length === 0 || !!custom?.sanCritical, new X.SubjectAlternativeName(names)));
  }
  if (p.crlUrl) {
    const dp = new X.DistributionPoint({ distributionPoint: new X.DistributionPointName({ fullName: [new X.GeneralName({ uniformResourceIdentifier: p.crlUrl })] }) });
    exts.push(ext(X.id_ce_cRLDistributionPoints, false, new X.CRLDistributionPoints([dp])));
  }
  if (p.aiaUrl || p.ocspUrl) {
    const ads: X.AccessDescription[] = [];
    if (p.ocspUrl) ads.push(new X.AccessDescription({ accessMethod: X.id_ad_ocsp, accessLocation: new X.GeneralName({ uniformResourceIdentifier: p.ocspUrl }) }));
    if (p.aiaUrl) ads.push(new X.AccessDescription({ accessMethod: X.id_ad_caIssuers, accessLocation: new X.GeneralName({ uniformResourceIdentifier: p.aiaUrl }) }));
    exts.push(ext(X.id_pe_authorityInfoAccess, false, new X.AuthorityInfoAccessSyntax(ads)));
  }
  // The schema writes the INTEGER's octets as given: a set top bit needs its 0x00 here (X.690 §8.3).
  const serial = Buffer.from(p.serialHex.length % 2 ? `0${p.serialHex}` : p.serialHex, "hex");
  const serialOctets = (serial[0] as number) & 0x80 ? Buffer.concat([Buffer.of(0), serial]) : serial;
  const tbs = new X.TBSCertificate({
    version: X.Version.v3,
    serialNumber: new Uint8Array(serialOctets).buffer,
    signature: AsnConvert.parse(p.signatureAlgorithmDer, X.AlgorithmIdentifier),
    issuer: AsnConvert.parse(p.issuerNameDer, X.Name),
    validity: new X.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: name(p.subject),
    subjectPublicKeyInfo: AsnConvert.parse(p.spki, X.SubjectPublicKeyInfo),
    extensions: new X.Extensions(exts),
  });
  return new Uint8Array(AsnConvert.serialize(tbs));
}
