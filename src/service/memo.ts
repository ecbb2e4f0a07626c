/**
 * Per-process memory the service keeps beside a store: prepared signers, issuer hashes, kept OCSP
 * answers, the CAs issuance last read. Each is a Map per store object (gone with the store) and, where
 * callers can fill it without limit, bounded: the oldest entry goes first.
 */

/** A Map per store, made on first use. */
export function perStore<V>(): (store: object) => Map<string, V> {
  const all = new WeakMap<object, Map<string, V>>();
  return (store) => {
    let m = all.get(store);
    if (!m) all.set(store, (m = new Map()));
    return m;
  };
}

/** Sets `key` in `m`, first dropping the oldest entry when `m` already holds `max` others. */
export function setBounded<K, V>(m: Map<K, V>, key: K, value: V, max: number): void {
  if (!m.has(key) && m.size >= max) m.delete(m.keys().next().value as K);
  m.set(key, value);
}
