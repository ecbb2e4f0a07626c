/**
 * The numbered migrations of each dialect. Each dialect has its own file per version (SQL kept in
 * TypeScript modules, so it ships inside `dist/` with no copy step and is found the same way from `src/`
 * under vitest/tsx); both dialects must list the same versions with the same meaning, which
 * test/store/schema-parity.test.ts checks on real databases. Later features (orders, packages) add
 * `0003-…` files to both folders and one line to each list below.
 */
import { sql as pg0001 } from "./postgres/0001-init.js";
import { sql as pg0002 } from "./postgres/0002-indexes.js";
import { sql as pg0003 } from "./postgres/0003-partial-revoked-indexes.js";
import { sql as pg0004 } from "./postgres/0004-covering-revoked-index.js";
import { sql as pg0005 } from "./postgres/0005-revocation-integrity.js";
import { sql as pg0006 } from "./postgres/0006-nonces.js";
import { sql as pg0007 } from "./postgres/0007-orders.js";
import { sql as pg0008 } from "./postgres/0008-throttle.js";
import { sql as pg0009 } from "./postgres/0009-ocsp.js";
import { sql as pg0010 } from "./postgres/0010-crl-shards.js";
import { sql as pg0011 } from "./postgres/0011-ocsp-sha256.js";
import { sql as sqlite0001 } from "./sqlite/0001-init.js";
import { sql as sqlite0002 } from "./sqlite/0002-indexes.js";
import { sql as sqlite0003 } from "./sqlite/0003-partial-revoked-indexes.js";
import { sql as sqlite0004 } from "./sqlite/0004-covering-revoked-index.js";
import { sql as sqlite0005 } from "./sqlite/0005-revocation-integrity.js";
import { sql as sqlite0006 } from "./sqlite/0006-nonces.js";
import { sql as sqlite0007 } from "./sqlite/0007-orders.js";
import { sql as sqlite0008 } from "./sqlite/0008-throttle.js";
import { sql as sqlite0009 } from "./sqlite/0009-ocsp.js";
import { sql as sqlite0010 } from "./sqlite/0010-crl-shards.js";
import { sql as sqlite0011 } from "./sqlite/0011-ocsp-sha256.js";

/** The SQL dialects the store speaks. */
export type Dialect = "sqlite" | "postgres";

/** One schema step: applied once, in version order, inside a transaction, and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration per dialect, in version order. */
export const MIGRATIONS: Readonly<Record<Dialect, readonly Migration[]>> = {
  sqlite: [
    { version: 1, name: "init", sql: sqlite0001 },
    { version: 2, name: "indexes", sql: sqlite0002 },
    { version: 3, name: "partial-revoked-indexes", sql: sqlite0003 },
    { version: 4, name: "covering-revoked-index", sql: sqlite0004 },
    { version: 5, name: "revocation-integrity", sql: sqlite0005 },
    { version: 6, name: "nonces", sql: sqlite0006 },
    { version: 7, name: "orders", sql: sqlite0007 },
    { version: 8, name: "throttle", sql: sqlite0008 },
    { version: 9, name: "ocsp", sql: sqlite0009 },
    { version: 10, name: "crl-shards", sql: sqlite0010 },
    { version: 11, name: "ocsp-sha256", sql: sqlite0011 },
  ],
  postgres: [
    { version: 1, name: "init", sql: pg0001 },
    { version: 2, name: "indexes", sql: pg0002 },
    { version: 3, name: "partial-revoked-indexes", sql: pg0003 },
    { version: 4, name: "covering-revoked-index", sql: pg0004 },
    { version: 5, name: "revocation-integrity", sql: pg0005 },
    { version: 6, name: "nonces", sql: pg0006 },
    { version: 7, name: "orders", sql: pg0007 },
    { version: 8, name: "throttle", sql: pg0008 },
    { version: 9, name: "ocsp", sql: pg0009 },
    { version: 10, name: "crl-shards", sql: pg0010 },
    { version: 11, name: "ocsp-sha256", sql: pg0011 },
  ],
};

/** The newest schema version this code knows (the same for both dialects). */
export const SCHEMA_VERSION: number = Math.max(...MIGRATIONS.sqlite.map((m) => m.version));
