/**
 * The store port for OCSP (docs/ocsp.md): per-CA responder settings, the CA's delegated responder
 * (certificate and key — the key plaintext across the port, sealed at rest like CA keys), and
 * pre-signed responses. Part of {@link StoreTx} as `tx.ocsp`; same rules as port.ts (unknown ids read
 * as null; a replacement of the responder is one guarded statement, so concurrent rotators in any
 * process get exactly one winner).
 */
import type { CertStatus } from "./port.js";

/** How one CA's OCSP answers are signed and kept. No record: the CA key signs on demand. */
export interface OcspConfigRecord {
  caId: string;
  /** A delegated responder certificate signs (true), or the CA key itself (false). */
  delegated: boolean;
  /** Validity of each responder certificate, in days. */
  responderDays: number;
  /** Answers for the CA's certificates are signed ahead of time and served from the store. */
  presign: boolean;
  /** Validity (nextUpdate − thisUpdate) of a pre-signed answer, in hours. */
  responseHours: number;
  /**
   * Answers are pre-signed for SHA-256 CertIDs too, not only SHA-1 (`--presign-hashes sha1,sha256`).
   * Absent: false. Always set on records read from the store.
   */
  presignSha256?: boolean;
  updatedAt: Date;
}

/** The hash of a stored answer's CertID (issuerNameHash, issuerKeyHash). */
export type OcspCertIdHash = "sha1" | "sha256";

/** A CA's delegated OCSP responder: a certificate the CA issued for id-kp-OCSPSigning, and its key. */
export interface OcspResponderRecord {
  caId: string;
  serialNumber: string;
  certificateDer: Uint8Array;
  /** PKCS#8 DER, plaintext across the port, encrypted at rest (decrypted on first read). */
  keyPkcs8: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

/** A pre-signed answer about one serial of a CA for CertIDs of one hash, and the status it states. */
export interface OcspStoredResponse {
  caId: string;
  serialNumber: string;
  /** The hash of the CertID the answer names: a serial has one answer per hash. */
  certIdHash: OcspCertIdHash;
  status: "good" | "revoked";
  /** As the answer states it: whole seconds. */
  revokedAt: Date | null;
  /** The CRLReason the answer states (omitted reasons as null). */
  reason: string | null;
  /** Who signed: `ca`, or `responder:<serial>`. */
  signer: string;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The OCSPResponse DER. */
  der: Uint8Array;
}

/** A serial a CA has used (a certificate, deleted ones included, or a sub-CA) and its state. */
export interface OcspIssuedSerial {
  serialNumber: string;
  status: CertStatus;
  revokedAt: Date | null;
  reason: string | null;
  notAfter: Date;
}

export interface OcspRepo {
  getConfig(caId: string): Promise<OcspConfigRecord | null>;
  /** Inserts or replaces the CA's settings. */
  setConfig(c: OcspConfigRecord): Promise<void>;
  /** Every CA's settings (the refresh job). */
  listConfigs(): Promise<OcspConfigRecord[]>;
  getResponder(caId: string): Promise<OcspResponderRecord | null>;
  /**
   * Makes `r` the CA's responder if the current one has serial `expectedSerial` (null: there is none
   * yet). Returns false, changing nothing, when another writer got there first.
   */
  replaceResponder(r: OcspResponderRecord, expectedSerial: string | null): Promise<boolean>;
  /** The stored answer for (caId, serialNumber) with a CertID of `hash` (default SHA-1). */
  getResponse(caId: string, serialNumber: string, hash?: OcspCertIdHash): Promise<OcspStoredResponse | null>;
  /** Inserts or replaces the answer for (caId, serialNumber, certIdHash). */
  putResponse(r: OcspStoredResponse): Promise<void>;
  /** Deletes the CA's stored answers for `serials` — of every hash, or of `hash` only; returns how many there were. */
  deleteResponses(caId: string, serials: readonly string[], hash?: OcspCertIdHash): Promise<number>;
  /**
   * Deletes stored answers of the CA, every hash of up to `limit` serials (lowest first); returns how
   * many rows went. For a CA that no longer pre-signs: its answers would never be served or refreshed.
   */
  purgeResponses(caId: string, limit: number): Promise<number>;
  /** Stored answers (every hash) of a CA with `afterSerial` < serial ≤ `upToSerial` (text order), in serial order, SHA-1 before SHA-256. */
  responsesBetween(caId: string, afterSerial: string, upToSerial: string): Promise<OcspStoredResponse[]>;
  /** Serials the CA has used (certificates, deleted ones included, and sub-CAs), `limit` at a time after `afterSerial`, in serial order. */
  issuedPage(caId: string, afterSerial: string, limit: number): Promise<OcspIssuedSerial[]>;
}
