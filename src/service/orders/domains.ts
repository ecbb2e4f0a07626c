/**
 * Which names an order may cover (CAS 2020-04-07, CreateCertificateForPackageRequest `Domain`): one to
 * five DNS names, all single or all wildcard, matching the product; wildcards validate by DNS only.
 * Every name the certificate will carry is one that domain-control validation checks — a CSR's own
 * DNS names included — so caskit never issues a name nobody proved.
 */
import { isValidHostName, parseIpAddress } from "../../csr/index.js";
import { invalid } from "../errors.js";
import type { Product } from "./products.js";

export const MAX_ORDER_DOMAINS = 5;

/** Splits, normalizes (lower case, no trailing dot) and de-duplicates a comma-separated Domain value. */
export function splitDomains(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(",")) {
    const d = raw.trim().toLowerCase().replace(/\.$/, "");
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** Checks the order's names against the product and the validation method; returns them unchanged. */
export function checkOrderDomains(domains: string[], product: Product, validateType: "DNS" | "FILE", field = "Domain"): string[] {
  if (domains.length === 0) throw invalid(field, "name at least one domain");
  if (domains.length > MAX_ORDER_DOMAINS) throw invalid(field, `at most ${MAX_ORDER_DOMAINS} domains, not ${domains.length}`);
  for (const d of domains) {
    if (parseIpAddress(d)) throw invalid(field, `${d.slice(0, 64)} is an IP address; orders are for DNS names (domain-control validation proves names, not addresses)`);
    if (!isValidHostName(d, { allowWildcard: true })) throw invalid(field, `${d.slice(0, 64)} is not a DNS name or a wildcard (*.example.com)`);
  }
  const wild = domains.filter((d) => d.startsWith("*.")).length;
  if (wild && wild !== domains.length) throw invalid(field, "the names must be all single names or all wildcards, not a mix");
  if (product.wildcard && !wild) throw invalid(field, `${product.code} is a wildcard product: name wildcards (*.example.com)`);
  if (!product.wildcard && wild) throw invalid(field, `${product.code} is a single-name product: wildcards need a wildcard product`);
  if (wild && validateType === "FILE") throw invalid("ValidateType", "wildcard names can only be validated by DNS");
  return domains;
}
