/**
 * Migration 10, sqlite: partitioned CRLs (docs/revocation.md, "Partitioned CRLs").
 * - cas.crl_shards: how many CRL shards the CA's new certificates are spread over (0: none, every
 *   certificate names the full CRL). cas.crl_shard_high: the most it has ever had — shards below it are
 *   still named by certificates issued earlier, so they are all kept up to date.
 * - certificates.crl_shard: the shard a certificate's CRL distribution point names, fixed at issuance
 *   (its serial modulo the CA's count then); NULL when it names the full CRL or none.
 * - crl_shard_crls: the latest CRL of each shard. Shards take their numbers from the CA's one CRL number
 *   sequence (cas.next_crl_number), shared with the full CRL; revocation_seq is the CA counter the shard
 *   covers, entries_digest what it lists (a shard no revocation touched is not re-signed).
 * Same meaning as postgres/0010-crl-shards.ts.
 */
export const sql = `
ALTER TABLE cas ADD COLUMN crl_shards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cas ADD COLUMN crl_shard_high INTEGER NOT NULL DEFAULT 0;
ALTER TABLE certificates ADD COLUMN crl_shard INTEGER;
CREATE TABLE crl_shard_crls (
  ca_id TEXT NOT NULL REFERENCES cas(id),
  shard INTEGER NOT NULL,
  crl_number INTEGER NOT NULL,
  this_update INTEGER NOT NULL,
  next_update INTEGER NOT NULL,
  der BLOB NOT NULL,
  revocation_seq INTEGER NOT NULL,
  entries_digest TEXT NOT NULL,
  PRIMARY KEY (ca_id, shard)
);
`;
