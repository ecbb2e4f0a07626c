/**
 * The OCSP repository (port-ocsp.ts) over SQL, for both dialects. The responder key is sealed with the
 * store's key vault (crypto-at-rest.ts) under `ocsp-responder:<ca>:<serial>` and opened on first read.
 * Internal to src/store.
 */
import type { KeyVault } from "./crypto-at-rest.js";
import type { OcspConfigRecord, OcspIssuedSerial, OcspRepo, OcspResponderRecord, OcspStoredResponse } from "./port-ocsp.js";
import type { Row, SqlConn } from "./sql-store.js";

const num = (v: unknown): number => Number(v);
const date = (v: unknown): Date => new Date(Number(v));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));
const bytes = (v: unknown): Uint8Array => new Uint8Array(v as Buffer);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The associated data a responder key is sealed under. */
const keyAad = (caId: string, serial: string) => `ocsp-responder:${caId}:${serial}`;

export function ocspRepo(c: SqlConn, vault: KeyVault): OcspRepo {
  const toConfig = (r: Row): OcspConfigRecord => ({
    caId: r.ca_id as string,
    delegated: num(r.delegated) === 1,
    responderDays: num(r.responder_days),
    presign: num(r.presign) === 1,
    responseHours: num(r.response_hours),
    presignSha256: num(r.presign_sha256) === 1,
    updatedAt: date(r.updated_at),
  });
  const toResponder = (r: Row): OcspResponderRecord => {
    const sealed = bytes(r.key_enc);
    const caId = r.ca_id as string;
    const serialNumber = r.serial_number as string;
    let plain: Uint8Array | undefined;
    const rec = {
      caId,
      serialNumber,
      certificateDer: bytes(r.certificate_der),
      notBefore: date(r.not_before),
      notAfter: date(r.not_after),
      createdAt: date(r.created_at),
    };
    // Opened on first read only: the request path reads the row on every request but needs the key once per process.
    return Object.defineProperty(rec as OcspResponderRecord, "keyPkcs8", {
      enumerable: true,
      get: () => (plain ??= new Uint8Array(vault.open(sealed, keyAad(caId, serialNumber)))),
    });
  };
  const toResponse = (r: Row): OcspStoredResponse => ({
    caId: r.ca_id as string,
    serialNumber: r.serial_number as string,
    certIdHash: r.cert_id_hash as OcspStoredResponse["certIdHash"],
    status: r.cert_status as OcspStoredResponse["status"],
    revokedAt: dateOrNull(r.revoked_at),
    reason: strOrNull(r.reason),
    signer: r.signer as string,
    thisUpdate: date(r.this_update),
    nextUpdate: date(r.next_update),
    der: bytes(r.der),
  });
  const RESPONSE_COLUMNS = "ca_id, serial_number, cert_id_hash, cert_status, revoked_at, reason, signer, this_update, next_update, der";

  return {
    async getConfig(caId) {
      const [r] = await c.all("SELECT * FROM ocsp_config WHERE ca_id = ?", [caId]);
      return r ? toConfig(r) : null;
    },
    async setConfig(x) {
      await c.run(
        `INSERT INTO ocsp_config (ca_id, delegated, responder_days, presign, response_hours, updated_at, presign_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ca_id) DO UPDATE SET delegated = excluded.delegated, responder_days = excluded.responder_days, presign = excluded.presign,
           response_hours = excluded.response_hours, updated_at = excluded.updated_at, presign_sha256 = excluded.presign_sha256`,
        [x.caId, x.delegated ? 1 : 0, x.responderDays, x.presign ? 1 : 0, x.responseHours, x.updatedAt.getTime(), x.presignSha256 ? 1 : 0],
      );
    },
    async listConfigs() {
      return (await c.all("SELECT * FROM ocsp_config ORDER BY ca_id")).map(toConfig);
    },
    async getResponder(caId) {
      const [r] = await c.all("SELECT * FROM ocsp_responders WHERE ca_id = ?", [caId]);
      return r ? toResponder(r) : null;
    },
    async replaceResponder(x, expectedSerial) {
      const sealed = Buffer.from(vault.seal(x.keyPkcs8, keyAad(x.caId, x.serialNumber)));
      const values = [x.serialNumber, Buffer.from(x.certificateDer), sealed, x.notBefore.getTime(), x.notAfter.getTime(), x.createdAt.getTime()];
      if (expectedSerial === null) {
        return (
          (await c.run(
            `INSERT INTO ocsp_responders (serial_number, certificate_der, key_enc, not_before, not_after, created_at, ca_id) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (ca_id) DO NOTHING`,
            [...values, x.caId],
          )) === 1
        );
      }
      return (
        (await c.run(
          "UPDATE ocsp_responders SET serial_number = ?, certificate_der = ?, key_enc = ?, not_before = ?, not_after = ?, created_at = ? WHERE ca_id = ? AND serial_number = ?",
          [...values, x.caId, expectedSerial],
        )) === 1
      );
    },
    async getResponse(caId, serialNumber, hash = "sha1") {
      const [r] = await c.all(`SELECT ${RESPONSE_COLUMNS} FROM ocsp_responses WHERE ca_id = ? AND serial_number = ? AND cert_id_hash = ?`, [caId, serialNumber, hash]);
      return r ? toResponse(r) : null;
    },
    async putResponse(x) {
      await c.run(
        `INSERT INTO ocsp_responses (${RESPONSE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (ca_id, serial_number, cert_id_hash) DO UPDATE SET cert_status = excluded.cert_status, revoked_at = excluded.revoked_at, reason = excluded.reason,
           signer = excluded.signer, this_update = excluded.this_update, next_update = excluded.next_update, der = excluded.der`,
        [x.caId, x.serialNumber, x.certIdHash, x.status, x.revokedAt?.getTime() ?? null, x.reason, x.signer, x.thisUpdate.getTime(), x.nextUpdate.getTime(), Buffer.from(x.der)],
      );
    },
    async deleteResponses(caId, serials, hash) {
      if (!serials.length) return 0;
      const list = serials.map(() => "?").join(", ");
      if (hash) return c.run(`DELETE FROM ocsp_responses WHERE ca_id = ? AND cert_id_hash = ? AND serial_number IN (${list})`, [caId, hash, ...serials]);
      return c.run(`DELETE FROM ocsp_responses WHERE ca_id = ? AND serial_number IN (${list})`, [caId, ...serials]);
    },
    async purgeResponses(caId, limit) {
      return c.run("DELETE FROM ocsp_responses WHERE ca_id = ? AND serial_number IN (SELECT serial_number FROM ocsp_responses WHERE ca_id = ? ORDER BY serial_number LIMIT ?)", [
        caId,
        caId,
        limit,
      ]);
    },
    async responsesBetween(caId, afterSerial, upToSerial) {
      return (
        await c.all(`SELECT ${RESPONSE_COLUMNS} FROM ocsp_responses WHERE ca_id = ? AND serial_number > ? AND serial_number <= ? ORDER BY serial_number, cert_id_hash`, [
          caId,
          afterSerial,
          upToSerial,
        ])
      ).map(toResponse);
    },
    async issuedPage(caId, afterSerial, limit) {
      const rows = await c.all(
        `SELECT serial_number, status, revoked_at, revoke_reason, not_after FROM (
           SELECT serial_number, status, revoked_at, revoke_reason, not_after FROM certificates WHERE issuer_id = ? AND serial_number > ?
           UNION ALL SELECT serial_number, status, revoked_at, revoke_reason, not_after FROM cas WHERE parent_id = ? AND serial_number > ?
         ) s ORDER BY serial_number LIMIT ?`,
        [caId, afterSerial, caId, afterSerial, limit],
      );
      return rows.map(
        (r): OcspIssuedSerial => ({
          serialNumber: r.serial_number as string,
          status: r.status as OcspIssuedSerial["status"],
          revokedAt: dateOrNull(r.revoked_at),
          reason: strOrNull(r.revoke_reason),
          notAfter: date(r.not_after),
        }),
      );
    },
  };
}
