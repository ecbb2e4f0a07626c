/**
 * Encryption of key material at rest: a 256-bit key derived with scrypt from the master passphrase and a
 * random salt stored in the database; each value sealed with AES-256-GCM under a fresh 96-bit nonce, with
 * the owning record's id as associated data (a ciphertext moved to another row does not open).
 * A check value sealed at creation makes a wrong passphrase fail at open, not at first use.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { StoreError } from "./errors.js";

const CHECK = Buffer.from("caskit key check v1");
/** scrypt N=2^15, r=8, p=1: ~50 ms on this machine class, 32 MiB — paid once per open. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export interface VaultMeta {
  salt: Uint8Array;
  check: Uint8Array;
}

export class KeyVault {
  readonly #key: Buffer;
  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Creates a vault for a new store: a fresh salt and check value to persist. */
  static create(passphrase: string): { vault: KeyVault; meta: VaultMeta } {
    const salt = randomBytes(16);
    const vault = new KeyVault(scryptSync(passphrase, salt, 32, SCRYPT));
    return { vault, meta: { salt, check: vault.seal(CHECK, "check") } };
  }

  /** Opens the vault of an existing store, refusing a wrong passphrase. */
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

  seal(plain: Uint8Array, aad: string): Uint8Array {
    const nonce = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.#key, nonce);
    c.setAAD(Buffer.from(aad));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return new Uint8Array(Buffer.concat([nonce, c.getAuthTag(), body]));
  }

  open(sealed: Uint8Array, aad: string): Buffer {
    const b = Buffer.from(sealed);
    const d = createDecipheriv("aes-256-gcm", this.#key, b.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]);
  }
}
