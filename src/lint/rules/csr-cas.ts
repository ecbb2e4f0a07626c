/**
 * The certificate-order actions' narrower CSR rules (CAS 2020-04-07, docs/orders.md): notices in the
 * `cas` profile only. The private-CA actions (CreateServerCertificateWithCsr …) take these requests, so
 * they are not errors; a request meant for an order would be refused there.
 */
import { hostNameProblem, parseIpAddress } from "../../csr/names.js";
import { csrRule, registerRules } from "../registry.js";
import { at } from "./csr-common.js";
import { cnOf } from "./csr-names.js";

const ORDERS = "CAS 2020-04-07 CreateCertificateWithCsrRequest (docs/orders.md)";

registerRules([
  csrRule({
    id: "csr.cas.order_key",
    severity: "notice",
    profiles: ["cas"],
    citation: ORDERS,
    description: "Certificate orders take RSA ≥ 2048 and ECC keys only; SM2 requests are for the private-CA actions.",
    check: (ctx) => {
      if (ctx.use === "client") return [];
      const f = ctx.csr.key?.facts;
      return f?.keyAlgorithm === "SM2" ? [at("the certificate-order actions take RSA (2048 bits or more) and ECC keys only; SM2 requests go to CreateServerCertificateWithCsr", ctx.csr.key?.keyLocation)] : [];
    },
  }),
  csrRule({
    id: "csr.cas.order_names",
    severity: "notice",
    profiles: ["cas"],
    citation: ORDERS,
    description: "Certificate orders take one to five DNS names, all single or all wildcard, and no IP addresses.",
    check: (ctx) => {
      if (ctx.use === "client") return [];
      const out = [];
      const list = ctx.csr.names ?? [];
      const cn = cnOf(ctx);
      const dns = new Set<string>();
      if (cn.text && !hostNameProblem(cn.text)) dns.add(cn.text.toLowerCase());
      for (const n of list) if (n.kind === 2) dns.add(Buffer.from(n.value).toString("latin1").toLowerCase());
      if (list.some((n) => n.kind === 7) || (cn.text !== null && parseIpAddress(cn.text) !== null)) {
        out.push(at("certificate orders take no IP addresses; IP names go to CreateServerCertificateWithCsr", ctx.csr.attributesLocation));
      }
      if (dns.size > 5) out.push(at(`the request names ${dns.size} DNS names; certificate orders take at most five`, ctx.csr.attributesLocation));
      const wild = [...dns].filter((d) => d.startsWith("*.")).length;
      if (wild > 0 && wild < dns.size) out.push(at("the request mixes wildcard and single names; a certificate order takes all of one kind", ctx.csr.attributesLocation));
      return out;
    },
  }),
]);
