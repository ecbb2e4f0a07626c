/**
 * Encryption of key material at rest: a 256-bit key derived with scrypt from the master passphrase and a
 * random salt stored in the database; each value sealed with AES-256-GCM under a fresh 96-bit nonce, with
 * the owning record's id as associated data (a ciphertext copied to another row does not open there).
 * A check value sealed at creation makes a wrong passphrase fail at open, not at first use.
 *
 * Sealed layout: nonce (12 bytes) ‖ GCM tag (16) ‖ ciphertext (same length as the plaintext).
 * Does not: log, echo or keep the passphrase; error messages name records, never contents.
 * Internal to src/store.
 */
import { createCipheriv, createDecipheriv, scryptSync, timingSafeEqual } from "node:crypto";
import { systemRandom } from "../internal/env.js";
import { StoreError } from "./errors.js";

const CHECK = Buffer.from("caskit key check v1");
/** scrypt N=2^15, r=8, p=1 (32 MiB, ~0.1 s): paid once per open, and per guess by an attacker. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const NONCE = 12;
const TAG = 16;

/** What the store persists to reopen a vault: the scrypt salt and the sealed check value. */
export interface VaultMeta {
  salt: Uint8Array;
  check: Uint8Array;
}

/** The store's data key, held in memory only; seals and opens values bound to a record id. */
export class KeyVault {
  readonly #key: Buffer;
  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Creates a vault for a new store: a fresh salt and check value to persist. */
  static create(passphrase: string): { vault: KeyVault; meta: VaultMeta } {
    const salt = systemRandom(16);
    const vault = new KeyVault(scryptSync(passphrase, salt, 32, SCRYPT));
    return { vault, meta: { salt, check: vault.seal(CHECK, "check") } };
  }

  /** Opens the vault of an existing store; a wrong passphrase throws StoreError("bad_passphrase"). */
  static open(passphrase: string, meta: VaultMeta): KeyVault {
    const vault = new KeyVault(scryptSync(passphrase, Buffer.from(meta.salt), 32, SCRYPT));
    let ok = false;
    try {
      const plain = vault.open(meta.check, "check");
      ok = plain.length === CHECK.length && timingSafeEqual(plain, CHECK);
    } catch {
      ok = false;
    }
    if (!ok) throw new StoreError("bad_passphrase", "the master passphrase does not open this store");
    return vault;
  }

  /** Seals `plain` for the record named by `aad` (e.g. `ca:<id>`). */
  seal(plain: Uint8Array, aad: string): Uint8Array {
    const nonce = systemRandom(NONCE);
    const c = createCipheriv("aes-256-gcm", this.#key, nonce);
    c.setAAD(Buffer.from(aad));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return new Uint8Array(Buffer.concat([nonce, c.getAuthTag(), body]));
  }

  /** Opens a value sealed for `aad`; throws when it was altered or belongs to another record. */
  open(sealed: Uint8Array, aad: string): Buffer {
    const b = Buffer.from(sealed);
    try {
      if (b.length < NONCE + TAG) throw new Error("too short");
      const d = createDecipheriv("aes-256-gcm", this.#key, b.subarray(0, NONCE));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(b.subarray(NONCE, NONCE + TAG));
      return Buffer.concat([d.update(b.subarray(NONCE + TAG)), d.final()]);
    } catch (cause) {
      throw new Error(`the sealed value of ${aad} does not open: altered, or copied from another record`, { cause });
    }
  }
}
