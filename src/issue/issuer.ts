/**
 * `Issuer.prepare(ca)` does all per-issuer work once — issuer name, AKI, signer, the constant
 * extensions of each profile, the chain PEM — so that issuing a leaf is: serial, validity, subject,
 * SANs, one signature. Mirrors CAS CreateServerCertificate[WithCsr] / CreateClientCertificate[WithCsr]
 * (docs/cas-api.md, §6.3–6.6).
 */
import type { KeySpecName } from "../crypto/algorithms.js";
import { type KeyPair, generateKeyPair } from "../crypto/keys.js";
import type { Signer } from "../crypto/signer.js";
import { hostNameProblem, isValidHostName, parseIpAddress, quoteExcerpt } from "../csr/names.js";
import { IssueError, KeyError, ProfileError } from "../errors.js";
import { type RandomSource, systemNow, systemRandom } from "../internal/env.js";
import { toPem } from "../internal/pem.js";
import { TRUE, concat, sequence } from "../internal/der.js";
import { readDer } from "../csr/der-reader.js";
import { resolveEkus } from "../ca/create.js";
import type { CertificateAuthority } from "../ca/types.js";
import type { CsrFacts, SanEntry, SubjectParams, ValidityParams } from "../types.js";
import { certificatePem, md5Hex } from "./certificate.js";
import {
  EKU_OIDS,
  authorityInfoAccessOf,
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoint,
  extKeyUsage,
  keyUsage,
} from "./extensions.js";
import { type GeneralNameBytes, type LeafTemplate, leafTemplate, writeLeaf } from "./leaf-writer.js";
import { normalizeSubject } from "./name.js";
import { newSerial, serialHex } from "./serial.js";
import { MAX_CRL_SHARDS, caCertUrl, checkBaseUrl, crlShardOf, crlShardUrl, crlUrl, ocspUrl } from "./urls.js";
import { resolveValidity } from "./validity.js";

/** Options of {@link Issuer.prepare}. */
export interface IssuerOptions {
  /** Base URL for CRL distribution points (`<base>/crl/<caIdentifier>.crl`). Needed for `enableCrl`. */
  crlBaseUrl?: string;
  /** Base URL for the AIA caIssuers pointer (`<base>/ca/<caIdentifier>.crt`); none when absent. */
  aiaBaseUrl?: string;
  /** Base URL for the AIA OCSP pointer (`<base>/ocsp/<caIdentifier>`, docs/ocsp.md); none when absent. */
  ocspBaseUrl?: string;
  /** Clock; defaults to the system clock. */
  now?: () => Date;
  /** Random source for serials; defaults to the system RNG. */
  random?: RandomSource;
}

/** Subject fields a request may set besides the CSR's CN. */
export type SubjectOverrides = Omit<SubjectParams, "commonName">;

interface CommonParams extends ValidityParams {
  subject?: SubjectOverrides;
  /** Adds the CRL distribution point (CAS EnableCrl). */
  enableCrl?: boolean;
  /**
   * The issuing CA's CRL shard count (docs/revocation.md): with `enableCrl` and N > 0 the CDP names the
   * certificate's shard, `<base>/crl/<ca>/<serial mod N>.crl`, instead of the full CRL. 0/absent: the full CRL.
   */
  crlShards?: number;
}

/** Parameters of {@link Issuer.serverFromCsr} (CAS CreateServerCertificateWithCsr, docs/cas-api.md). */
export interface ServerFromCsrParams extends CommonParams {
  /** Extra SANs: DNS names and IP addresses, comma-separated or as a list (CAS Domain). */
  domain?: string | string[];
}

/** Parameters of {@link Issuer.server} (CAS CreateServerCertificate, docs/cas-api.md). */
export interface ServerParams extends ServerFromCsrParams {
  commonName: string;
  /** CAS key spec of the key to generate; its family must be the CA's. */
  algorithm: KeySpecName | string;
}

/** Parameters of {@link Issuer.clientFromCsr} (CAS CreateClientCertificateWithCsr, docs/cas-api.md). */
export interface ClientFromCsrParams extends CommonParams {
  /** CAS SanType: 1 e-mail, 6 URI. */
  sanType?: 1 | 6;
  /** Comma-separated values of that type (CAS SanValue). */
  sanValue?: string;
  /** Overrides the CSR's CN. */
  commonName?: string;
}

/** Parameters of {@link Issuer.client} (CAS CreateClientCertificate, docs/cas-api.md). */
export interface ClientParams extends ClientFromCsrParams {
  algorithm: KeySpecName | string;
}

/** An issued leaf certificate and what CAS reports about it. */
export interface IssueResult {
  certificatePem: string;
  certificateDer: Uint8Array;
  /** The leaf's issuer up to the root, PEM, issuer first. */
  chainPem: string;
  /** Lowercase hex MD5 of the DER (the CAS Identifier). */
  identifier: string;
  /** Lowercase hex. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  subject: SubjectParams;
  sans: SanEntry[];
  certificateType: "SERVER" | "CLIENT";
  keyFamily: CsrFacts["keyFamily"];
  keySize: number;
  /** Present only when caskit generated the key (server()/client()). */
  keyPair?: KeyPair;
  /** The CRL shard its CDP names; absent when the CDP is the full CRL (or there is none). */
  crlShard?: number;
}

/** What the CRL builder needs from an issuer (exactly this shape; src/revoke takes it). */
export interface CrlSigner {
  nameDer: Uint8Array;
  keyIdentifier: Uint8Array;
  signer: Signer;
}

interface LeafRequest {
  spki: Uint8Array;
  keyFamily: CsrFacts["keyFamily"];
  keySize: number;
  subject: SubjectParams;
  sans: CheckedSans;
  profile: "SERVER" | "CLIENT";
  validity: ValidityParams;
  enableCrl: boolean;
  crlShards?: number;
  /** CreateCustomCertificate: its own constant extensions, SAN criticality and serial. */
  custom?: { prefix: Uint8Array; sanCritical: boolean; serial?: Uint8Array };
}

/** Checked SANs: what the result reports, and the GeneralName contents the writer copies. */
interface CheckedSans {
  entries: SanEntry[];
  names: GeneralNameBytes[];
}

export type CustomKeyUsage = "digitalSignature" | "nonRepudiation" | "keyEncipherment" | "dataEncipherment" | "keyAgreement";
export type CustomCritical = "KeyUsage" | "ExtendedKeyUsages" | "SubjectAlternativeNames";

/** CreateCustomCertificate (docs/cas-api.md): a leaf with the caller's subject, key usages, EKUs and SANs. */
export interface CustomFromCsrParams extends ValidityParams {
  /** Subject fields; each given one overrides the CSR's (commonName too). */
  subject?: SubjectParams;
  /** Defaults to digitalSignature (+ keyEncipherment for RSA). CA usages are never allowed on a leaf. */
  keyUsage?: CustomKeyUsage[];
  /** CAS names or dotted OIDs; none by default. */
  extendedKeyUsages?: string[];
  /** Typed SANs; defaults to the CSR's own. */
  sans?: SanEntry[];
  /** Extensions to mark critical (CAS `Criticals`); basicConstraints CA:FALSE is always critical. */
  critical?: CustomCritical[];
  /** A caller-chosen serial (positive, at most 20 octets); uniqueness is the store's to enforce. */
  serialNumber?: bigint;
  enableCrl?: boolean;
  /** As {@link CommonParams.crlShards}. */
  crlShards?: number;
}

/**
 * A subordinate CA made ready to issue server and client certificates. Build one per CA with
 * {@link Issuer.prepare} and keep it: every per-issuer cost (issuer name, AKI, the constant
 * extensions of each profile, URLs, the signer's key object, the chain PEM) is paid there, once.
 * @example
 * const issuer = Issuer.prepare(subCa, { crlBaseUrl: "https://pki.example.com" });
 * const leaf = issuer.serverFromCsr(parseCsr(csrPem), { domain: "api.example.com,10.0.0.7", days: 90, enableCrl: true });
 * // leaf.certificatePem, leaf.chainPem, leaf.identifier, leaf.serialNumber
 */
export class Issuer {
  /** The issuing subordinate CA. */
  readonly ca: CertificateAuthority;
  /** What the CRL builder (src/revoke) takes to sign this CA's CRLs. */
  readonly crlSigner: CrlSigner;
  /** The issuing CA and the certificates above it up to the root, PEM, issuer first. */
  readonly chainPem: string;
  readonly #now: () => Date;
  readonly #random: RandomSource;
  /** Templates per profile: [0] without, [1] with the CRL distribution point. */
  readonly #templates: { SERVER: readonly [LeafTemplate, LeafTemplate]; CLIENT: readonly [LeafTemplate, LeafTemplate] };
  readonly #aki: Uint8Array;
  readonly #cdp: Uint8Array | null;
  readonly #crlBase: string | null;
  /** Templates whose CDP names a CRL shard, made on first use: key `profile:shard`. */
  readonly #shardTemplates = new Map<string, LeafTemplate>();
  readonly #aia: Uint8Array | null;
  readonly #serverPrefix: Uint8Array;
  readonly #clientPrefix: Uint8Array;

  private constructor(ca: CertificateAuthority, options: IssuerOptions) {
    if (ca.kind !== "sub") throw new IssueError("root_cannot_issue_leaf", "only a subordinate CA issues server and client certificates (CAS)");
    this.ca = ca;
    this.#now = options.now ?? systemNow;
    this.#random = options.random ?? systemRandom;
    this.crlSigner = Object.freeze({ nameDer: ca.subjectDer, keyIdentifier: ca.keyIdentifier, signer: ca.signer });
    this.chainPem = [ca.certificateDer, ...ca.chainDer].map((d) => toPem("CERTIFICATE", d)).join("");
    const rsa = ca.spec.family === "RSA";
    const bc = basicConstraints({ ca: false });
    // A TLS server's RSA key may decrypt the pre-master secret (RSA key exchange); EC and SM2 keys never
    // do (RFC 5480 §3). A TLS client only signs (CertificateVerify), so client certificates say only that:
    // keyEncipherment beside clientAuth is an inconsistency linters flag (zlint's KU/EKU table).
    const serverKu = keyUsage(rsa ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"]);
    const clientKu = keyUsage(["digitalSignature"]);
    this.#aki = authorityKeyIdentifier(ca.keyIdentifier);
    this.#crlBase = options.crlBaseUrl ? checkBaseUrl(options.crlBaseUrl, "crlBaseUrl") : null;
    this.#cdp = this.#crlBase ? crlDistributionPoint(crlUrl(this.#crlBase, ca.identifier)) : null;
    const ocsp = options.ocspBaseUrl ? ocspUrl(checkBaseUrl(options.ocspBaseUrl, "ocspBaseUrl"), ca.identifier) : undefined;
    const caIssuers = options.aiaBaseUrl ? caCertUrl(checkBaseUrl(options.aiaBaseUrl, "aiaBaseUrl"), ca.identifier) : undefined;
    this.#aia = ocsp || caIssuers ? authorityInfoAccessOf({ ocsp, caIssuers }) : null;
    const server = concat([bc, serverKu, extKeyUsage([EKU_OIDS.serverAuth as string])]);
    const client = concat([bc, clientKu, extKeyUsage([EKU_OIDS.clientAuth as string])]);
    this.#serverPrefix = server;
    this.#clientPrefix = client;
    this.#templates = {
      SERVER: [this.#template(server, false), this.#template(server, true)],
      CLIENT: [this.#template(client, false), this.#template(client, true)],
    };
  }

  /** The constant parts of one profile; the CDP (the full CRL's, or `cdp`) only when asked and configured, then the AIA. */
  #template(prefix: Uint8Array, withCrl: boolean, cdp: Uint8Array | null = this.#cdp): LeafTemplate {
    const tail: Uint8Array[] = [];
    if (withCrl && cdp) tail.push(cdp);
    if (this.#aia) tail.push(this.#aia);
    const ca = this.ca;
    return leafTemplate({ signatureAlgorithm: ca.signer.signatureAlgorithm.algorithmIdentifier, issuerName: ca.subjectDer, prefix, aki: this.#aki, tail: concat(tail) });
  }

  /**
   * Prepares a subordinate CA for issuing. A root is refused (IssueError `root_cannot_issue_leaf`,
   * docs/cas-api.md: only sub-CAs issue leaves); a base URL that is not http(s) is ProfileError
   * `invalid_url`.
   * @example
   * const issuer = Issuer.prepare(subCa, { aiaBaseUrl: "http://pki.example.com", now: () => fixedDate });
   */
  static prepare(ca: CertificateAuthority, options: IssuerOptions = {}): Issuer {
    return new Issuer(ca, options);
  }

  /**
   * A server certificate for a parsed CSR (CreateServerCertificateWithCsr).
   * @example
   * const leaf = issuer.serverFromCsr(parseCsr(pem), { domain: "www.example.com,10.0.0.7", days: 90 });
   */
  serverFromCsr(csr: CsrFacts, params: ServerFromCsrParams): IssueResult {
    const subject = this.#subject(csr.cn ?? undefined, params.subject, csr.subjectFields);
    const sans = serverNames(subject.commonName, csr.sans, params.domain);
    return this.#issue({ spki: csr.spki, keyFamily: csr.keyFamily, keySize: csr.keySize, subject, sans, profile: "SERVER", validity: params, enableCrl: !!params.enableCrl, crlShards: params.crlShards });
  }

  /**
   * A server certificate with a key generated here to `params.algorithm` (CreateServerCertificate);
   * the result carries the `keyPair`.
   * @example
   * const { certificatePem, keyPair } = await issuer.server({ commonName: "api.example.com", algorithm: "ECC_256", days: 30 });
   */
  async server(params: ServerParams): Promise<IssueResult> {
    if (!params.commonName) throw new ProfileError("invalid_subject", "commonName is required", { field: "commonName" });
    const subject = this.#subject(params.commonName, params.subject, {});
    const sans = serverNames(subject.commonName, [], params.domain);
    this.#checkValidityEarly(params);
    const keyPair = await this.#generate(params.algorithm);
    const r = this.#issue({ spki: keyPair.spki, keyFamily: keyPair.spec.family, keySize: keyPair.spec.bits, subject, sans, profile: "SERVER", validity: params, enableCrl: !!params.enableCrl, crlShards: params.crlShards });
    return { ...r, keyPair };
  }

  /**
   * A client certificate for a parsed CSR (CreateClientCertificateWithCsr): EKU clientAuth, SANs from
   * `sanType` (1 e-mail, 6 URI) and `sanValue`.
   * @example
   * const leaf = issuer.clientFromCsr(parseCsr(pem), { sanType: 1, sanValue: "alice@example.com", days: 365 });
   */
  clientFromCsr(csr: CsrFacts, params: ClientFromCsrParams): IssueResult {
    const subject = this.#subject(params.commonName ?? csr.cn ?? undefined, params.subject, csr.subjectFields);
    const sans = clientNames(params.sanType, params.sanValue);
    requireClientName(subject, sans);
    return this.#issue({ spki: csr.spki, keyFamily: csr.keyFamily, keySize: csr.keySize, subject, sans, profile: "CLIENT", validity: params, enableCrl: !!params.enableCrl, crlShards: params.crlShards });
  }

  /**
   * A client certificate with a key generated here (CreateClientCertificate).
   * @example
   * const { keyPair } = await issuer.client({ commonName: "alice", algorithm: "ECC_256", months: 6 });
   */
  async client(params: ClientParams): Promise<IssueResult> {
    const subject = this.#subject(params.commonName, params.subject, {});
    const sans = clientNames(params.sanType, params.sanValue);
    requireClientName(subject, sans);
    this.#checkValidityEarly(params);
    const keyPair = await this.#generate(params.algorithm);
    const r = this.#issue({ spki: keyPair.spki, keyFamily: keyPair.spec.family, keySize: keyPair.spec.bits, subject, sans, profile: "CLIENT", validity: params, enableCrl: !!params.enableCrl, crlShards: params.crlShards });
    return { ...r, keyPair };
  }

  /**
   * A certificate with a caller-defined profile (CreateCustomCertificate). It is still a leaf
   * (basicConstraints CA:FALSE, critical) — caskit never issues a CA certificate through this door.
   * @example
   * issuer.customFromCsr(csr, { days: 30, keyUsage: ["digitalSignature"], extendedKeyUsages: ["codeSigning"] });
   */
  customFromCsr(csr: CsrFacts, params: CustomFromCsrParams): IssueResult {
    const subject = normalizeSubject({ ...csr.subjectFields, ...stripUndefined(params.subject ?? {}) });
    if (!subject.state && this.ca.subject.state) subject.state = this.ca.subject.state;
    if (!subject.locality && this.ca.subject.locality) subject.locality = this.ca.subject.locality;
    const sans = checkedSans(params.sans ?? csr.sans);
    const critical = new Set(params.critical ?? []);
    const usages = params.keyUsage ?? (this.ca.spec.family === "RSA" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"]);
    if (!usages.length) throw new ProfileError("invalid_extension", "give at least one key usage", { field: "keyUsage" });
    for (const u of usages) {
      if (!LEAF_USAGES.has(u)) throw new ProfileError("invalid_extension", `key usage ${quoteExcerpt(String(u), 40)} is not allowed on a leaf certificate`, { field: "keyUsage" });
    }
    const prefix = [basicConstraints({ ca: false }), withCritical(keyUsage(usages), critical.has("KeyUsage"))];
    const ekus = resolveEkus(params.extendedKeyUsages ?? []);
    for (const [i, e] of ekus.entries()) {
      const why = LEAF_FORBIDDEN_EKUS.get(e);
      if (why) throw new ProfileError("invalid_extension", `extended key usage ${quoteExcerpt(String(params.extendedKeyUsages?.[i]), 40)} is not allowed on a leaf: ${why}`, { field: "extendedKeyUsages" });
    }
    if (ekus.length) prefix.push(withCritical(extKeyUsage(ekus), critical.has("ExtendedKeyUsages")));
    let serial: Uint8Array | undefined;
    if (params.serialNumber !== undefined) {
      const n = params.serialNumber;
      let h = n.toString(16);
      if (h.length % 2) h = `0${h}`;
      if (n <= 0n || h.length / 2 + (Number.parseInt(h.slice(0, 2), 16) >= 0x80 ? 1 : 0) > 20) {
        throw new ProfileError("invalid_extension", "SerialNumber must be positive and at most 20 octets (RFC 5280 §4.1.2.2)", { field: "serialNumber" });
      }
      serial = Uint8Array.from(Buffer.from(h, "hex"));
    }
    const profile = ekus.includes(EKU_OIDS.serverAuth as string) ? "SERVER" : "CLIENT";
    return this.#issue({
      spki: csr.spki,
      keyFamily: csr.keyFamily,
      keySize: csr.keySize,
      subject,
      sans,
      profile,
      validity: params,
      enableCrl: !!params.enableCrl,
      crlShards: params.crlShards,
      custom: { prefix: concat(prefix), sanCritical: critical.has("SubjectAlternativeNames"), serial },
    });
  }

  /**
   * CN from the request; O/OU/C/ST/L from the overrides, else the CSR; ST and L else the CA's
   * (docs/cas-api.md). Only the chosen values are checked: an override replaces the CSR's field.
   */
  #subject(cn: string | undefined, overrides: SubjectOverrides | undefined, fromCsr: SubjectParams): SubjectParams {
    const o = overrides ?? {};
    const ca = this.ca.subject;
    return normalizeSubject({
      commonName: cn,
      organization: pick(o.organization, fromCsr.organization),
      organizationalUnit: pick(o.organizationalUnit, fromCsr.organizationalUnit),
      country: pick(o.country, fromCsr.country),
      state: pick(pick(o.state, fromCsr.state), ca.state),
      locality: pick(pick(o.locality, fromCsr.locality), ca.locality),
    });
  }

  /** Refuses a bad validity before spending time on key generation. */
  #checkValidityEarly(v: ValidityParams): void {
    resolveValidity(v, { now: this.#now(), issuerNotBefore: this.ca.notBefore, issuerNotAfter: this.ca.notAfter });
  }

  async #generate(algorithm: string): Promise<KeyPair> {
    const key = await generateKeyPair(algorithm);
    if (key.spec.family !== this.ca.spec.family) throw familyMismatch(this.ca, key.spec.family);
    return key;
  }

  #issue(req: LeafRequest): IssueResult {
    const ca = this.ca;
    if (req.keyFamily !== ca.spec.family) throw familyMismatch(ca, req.keyFamily);
    const { notBefore, notAfter } = resolveValidity(req.validity, { now: this.#now(), issuerNotBefore: ca.notBefore, issuerNotAfter: ca.notAfter });
    if (req.enableCrl && !this.#cdp) throw new ProfileError("invalid_url", "enableCrl needs the issuer prepared with a crlBaseUrl", { field: "enableCrl" });
    const subjectEmpty = isEmptySubject(req.subject);
    if (subjectEmpty && req.sans.names.length === 0) {
      throw new ProfileError("invalid_subject", "the certificate would name nothing: no subject and no subjectAltName", { field: "commonName" });
    }
    const serial = req.custom?.serial ?? newSerial(this.#random);
    const shards = req.enableCrl ? (req.crlShards ?? 0) : 0;
    if (!Number.isInteger(shards) || shards < 0 || shards > MAX_CRL_SHARDS) throw new ProfileError("invalid_extension", `crlShards must be a whole number from 0 to ${MAX_CRL_SHARDS}`, { field: "crlShards" });
    const crlShard = shards > 0 ? crlShardOf(serial, shards) : undefined;
    let template: LeafTemplate;
    if (crlShard !== undefined) {
      const cdp = () => crlDistributionPoint(crlShardUrl(this.#crlBase as string, ca.identifier, crlShard));
      if (req.custom) template = this.#template(req.custom.prefix, true, cdp());
      else {
        // The shard's CDP is encoded once, with its template.
        const key = `${req.profile}:${crlShard}`;
        let t = this.#shardTemplates.get(key);
        if (!t) this.#shardTemplates.set(key, (t = this.#template(req.profile === "SERVER" ? this.#serverPrefix : this.#clientPrefix, true, cdp())));
        template = t;
      }
    } else template = req.custom ? this.#template(req.custom.prefix, req.enableCrl) : this.#templates[req.profile][req.enableCrl ? 1 : 0];
    const der = writeLeaf(
      template,
      {
        serial,
        notBefore,
        notAfter,
        subject: req.subject,
        spki: req.spki,
        sans: req.sans.names,
        // RFC 5280 §4.2.1.6: "If the subject field contains an empty sequence, … the subjectAltName extension … MUST [be] critical".
        sanCritical: subjectEmpty || !!req.custom?.sanCritical,
      },
      ca.signer,
    );
    return {
      certificatePem: certificatePem(der),
      certificateDer: der,
      chainPem: this.chainPem,
      identifier: md5Hex(der),
      serialNumber: serialHex(serial),
      notBefore,
      notAfter,
      subject: req.subject,
      sans: req.sans.entries,
      certificateType: req.profile,
      keyFamily: req.keyFamily,
      keySize: req.keySize,
      ...(crlShard !== undefined ? { crlShard } : {}),
    };
  }
}

function isEmptySubject(s: SubjectParams): boolean {
  for (const k in s) if (s[k as keyof SubjectParams] !== undefined) return false;
  return true;
}

/** The first value that is given (not undefined, null or empty); normalizeSubject checks its type. */
function pick(a: string | undefined, b: string | undefined): string | undefined {
  return a !== undefined && a !== null && a !== "" ? a : b;
}

function familyMismatch(ca: CertificateAuthority, family: string): KeyError {
  return new KeyError("family_mismatch", `a ${ca.spec.family} CA issues only ${ca.spec.family} keys; this key is ${family}`, { field: "algorithm" });
}

/** Splits CAS's comma-separated lists. */
function splitList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  const out: string[] = [];
  for (const part of Array.isArray(v) ? v : v.split(",")) {
    const t = part.trim();
    if (t.length > 0) out.push(t);
  }
  return out;
}

const TAG_EMAIL = 0x81;
const TAG_DNS = 0x82;
const TAG_URI = 0x86;
const TAG_IP = 0x87;

/** Collects server SANs in order, without duplicates. */
class SanCollector implements CheckedSans {
  readonly entries: SanEntry[] = [];
  readonly names: GeneralNameBytes[] = [];
  /** Built only for long lists; a few names are cheaper to compare than to hash. */
  #seen: Set<string> | null = null;

  #has(type: "dns" | "ip", value: string): boolean {
    const entries = this.entries;
    if (entries.length < 16) {
      for (const e of entries) if (e.type === type && e.value === value) return true;
      return false;
    }
    if (!this.#seen) this.#seen = new Set(entries.map((e) => `${e.type}:${e.value}`));
    return this.#seen.has(`${type}:${value}`);
  }

  #push(entry: SanEntry, name: GeneralNameBytes): void {
    this.entries.push(entry);
    this.names.push(name);
    this.#seen?.add(`${entry.type}:${entry.value}`);
  }

  /**
   * Adds a DNS name or IP address unless already present (case-insensitively: DNS names are
   * lowercased, IPs canonical). For text that is neither, returns the name rule it breaks
   * (csr/names.ts, the CSR policy's rule); null when added.
   */
  add(raw: string): string | null {
    const ip = parseIpAddress(raw);
    if (ip) {
      if (!this.#has("ip", ip.text)) this.#push({ type: "ip", value: ip.text }, { tag: TAG_IP, bytes: ip.bytes });
      return null;
    }
    const problem = hostNameProblem(raw);
    if (problem) return problem;
    const value = raw.toLowerCase();
    if (!this.#has("dns", value)) this.#push({ type: "dns", value }, { tag: TAG_DNS, text: value });
    return null;
  }
}

/**
 * {@link serverSans} with the GeneralName contents the writer needs. The server profile's name rule,
 * for a CSR's CN and a request's CommonName alike (issue 14 #10): the CN must be a host name,
 * wildcard or IP (ProfileError `invalid_common_name` — `localhost`, `*`, `a.*.example.com` and
 * `Payments API` are refused, as docs/csr-policy.md refuses them in a CSR), and the certificate must end
 * with at least one SAN (`missing_name`).
 */
function serverNames(cn: string | undefined, csrSans: CsrFacts["sans"], domain: string | string[] | undefined): CheckedSans {
  const out = new SanCollector();
  if (cn) {
    const problem = out.add(cn);
    if (problem) {
      throw new ProfileError("invalid_common_name", `the CN ${quoteExcerpt(cn)} is not a host name, wildcard or IP address: ${problem} (a server certificate's CN is one of its names)`, {
        field: "commonName",
      });
    }
  }
  for (const s of csrSans) {
    const problem = out.add(s.value);
    if (problem) throw invalidName(s.value, "csr", problem);
  }
  for (const d of splitList(domain)) {
    const problem = out.add(d);
    if (problem) throw invalidName(d, "domain", problem);
  }
  if (out.entries.length === 0) {
    throw new ProfileError("missing_name", "a server certificate needs at least one DNS name or IP address: give a CommonName, subjectAltNames in the CSR, or Domain", { field: "domain" });
  }
  return out;
}

const invalidName = (raw: string, field: string, problem: string) =>
  new ProfileError("invalid_name", `${quoteExcerpt(raw)} is not a valid DNS name or IP address: ${problem}`, { field });

/**
 * A client certificate names a person or a device: a CN (any text the subject rules allow) or at
 * least one SAN (issue 9 #8). O/OU/ST/L alone name no one → ProfileError `missing_name`.
 */
function requireClientName(subject: SubjectParams, sans: CheckedSans): void {
  if (subject.commonName === undefined && sans.names.length === 0) {
    throw new ProfileError("missing_name", "a client certificate must name its holder: give a CommonName (in the request or the CSR) or SanType and SanValue", { field: "commonName" });
  }
}

/**
 * Server SANs: the CN (which must be a host name, wildcard or IP — `invalid_common_name`), the CSR's
 * own SANs, then each Domain entry — deduplicated case-insensitively in that order; IPs (v4 and v6)
 * become iPAddress entries. A CSR's requested SANs are kept: dropping them would issue something other
 * than what was asked (docs/csr-policy.md "Names"). A bad CSR SAN or Domain entry is ProfileError
 * `invalid_name` naming it; no name at all is `missing_name`.
 * @example
 * serverSans("app.example.com", [], "WWW.example.com,10.0.0.7,app.example.com");
 * // → [{ type: "dns", value: "app.example.com" }, { type: "dns", value: "www.example.com" }, { type: "ip", value: "10.0.0.7" }]
 */
export function serverSans(cn: string | undefined, csrSans: CsrFacts["sans"], domain: string | string[] | undefined): SanEntry[] {
  return serverNames(cn, csrSans, domain).entries;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;

const LEAF_USAGES = new Set<string>(["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement"]);

/**
 * Extended key usages a caller may not put on a leaf (issue 14 #13): id-kp-OCSPSigning makes the
 * holder a delegated OCSP responder for this CA (RFC 6960 §4.2.2.2) — any tenant key could then
 * vouch for revoked certificates; anyExtendedKeyUsage lets a verifier accept the leaf for every
 * purpose, OCSP signing included. Checked by OID, so the dotted forms are refused too.
 */
const LEAF_FORBIDDEN_EKUS = new Map<string, string>([
  [EKU_OIDS.OCSPSigning as string, "OCSPSigning would make it a delegated OCSP responder for this CA"],
  [EKU_OIDS.any as string, "anyExtendedKeyUsage would let it serve every purpose, OCSP signing included"],
]);

const stripUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as Partial<T>;

/** Re-encodes an Extension with the critical flag set (the encoders emit non-critical EKU/SAN). */
function withCritical(ext: Uint8Array, critical: boolean): Uint8Array {
  if (!critical) return ext;
  const top = readDer(ext);
  const [id, maybeBool, value] = top.children ?? [];
  const val = value ?? maybeBool;
  if (!id || !val) return ext;
  return sequence(ext.subarray(id.start, id.end), TRUE, ext.subarray(val.start, val.end));
}

/**
 * Checks one typed SAN: DNS names and IPs by the CSR policy's rules (names.ts), e-mail and absolute
 * ASCII URI syntax → ProfileError `invalid_san`. Returns the canonical entry (DNS lowercased, IP canonical).
 * @example
 * checkSan({ type: "ip", value: "2001:DB8::1" }); // → { type: "ip", value: "2001:db8::1" }
 */
export function checkSan(entry: SanEntry): SanEntry {
  const v = entry.value;
  const bad = (what: string) => new ProfileError("invalid_san", `${quoteExcerpt(v)} is not ${what}`, { field: "sans" });
  switch (entry.type) {
    case "dns":
      if (!isValidHostName(v)) throw bad("a valid DNS name");
      return { type: "dns", value: v.toLowerCase() };
    case "ip": {
      const ip = parseIpAddress(v);
      if (!ip) throw bad("an IP address");
      return { type: "ip", value: ip.text };
    }
    case "email":
      if (!EMAIL.test(v) || v.length > 254) throw bad("an e-mail address");
      return entry;
    case "uri": {
      let ok = /^[\x21-\x7e]+$/.test(v);
      try {
        new URL(v);
      } catch {
        ok = false;
      }
      if (!ok) throw bad("an ASCII URI");
      return entry;
    }
    default:
      throw new ProfileError("invalid_san", "unknown SAN type", { field: "sans" });
  }
}

/** Checks typed SANs (CreateCustomCertificate) and pairs each with its GeneralName contents. */
function checkedSans(entries: readonly SanEntry[]): CheckedSans {
  const out: CheckedSans = { entries: [], names: [] };
  for (const e of entries) {
    const c = checkSan(e);
    out.entries.push(c);
    if (c.type === "ip") out.names.push({ tag: TAG_IP, bytes: (parseIpAddress(c.value) as { bytes: Uint8Array }).bytes });
    else out.names.push({ tag: c.type === "dns" ? TAG_DNS : c.type === "email" ? TAG_EMAIL : TAG_URI, text: c.value });
  }
  return out;
}

function clientNames(sanType: number | undefined, sanValue: string | undefined): CheckedSans {
  const values = splitList(sanValue);
  if (sanType === undefined) {
    if (values.length) throw new ProfileError("invalid_san", "sanValue needs a sanType (1 e-mail, 6 URI)", { field: "sanType" });
    return { entries: [], names: [] };
  }
  if (sanType !== 1 && sanType !== 6) throw new ProfileError("invalid_san", "sanType must be 1 (e-mail) or 6 (URI)", { field: "sanType" });
  if (!values.length) throw new ProfileError("invalid_san", "sanType needs at least one sanValue", { field: "sanValue" });
  const type = sanType === 1 ? "email" : "uri";
  return checkedSans(values.map((value) => ({ type, value })));
}

/**
 * Client SANs from CAS SanType (1 e-mail, 6 URI) and SanValue (comma-separated), each checked
 * (ProfileError `invalid_san`).
 * @example
 * clientSans(1, "alice@example.com,bob@example.com"); // → two { type: "email" } entries
 */
export function clientSans(sanType: number | undefined, sanValue: string | undefined): SanEntry[] {
  return clientNames(sanType, sanValue).entries;
}
