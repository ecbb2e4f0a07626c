/**
 * The certificate-order workflow (CAS 2020-04-07) from the command line: the operator's set-up
 * (`product`, `package`, `contact`, `company`) and the orders themselves (`order …`), each a thin shell
 * over the service (the same actions `caskit serve` answers under Version 2020-04-07).
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { type DcvValidator, approveAllValidator, createDcvValidator } from "../../dcv/index.js";
import { type ServiceContext, call } from "../../service/index.js";
import { addCompany, addContact, grantPackage, mapProduct } from "../../service/orders/operator.js";
import { PRODUCTS, validateOrder, validatePendingOrders } from "../../service/orders/index.js";
import { DEFAULT_TENANT } from "../../service/context.js";
import { CliError, EXIT } from "../output.js";
import { readCsr } from "../csr-files.js";
import type { Session } from "../session.js";
import { type Opts, positiveInt, withSession } from "./shared.js";

const tenantOption = () => new Option("--tenant <id>", "the tenant (account) it is for").default(DEFAULT_TENANT);
const asTenant = (s: Session, tenant: string): ServiceContext => ({ ...s.ctx, tenantId: tenant });
const callAs = (s: Session, o: Opts, action: string, params: Record<string, unknown>) => call(asTenant(s, o.tenant), action, params) as Promise<Record<string, any>>;

/** Validator options from the command line (also `caskit serve`'s). */
export function dcvOptions(c: Command): Command {
  return c
    .option("--dcv-dns-server <host[:port]>", "DNS server(s) the validator asks, comma-separated (default: the system's)")
    .option("--dcv-http-port <n>", "port of the FILE check's HTTP request", positiveInt, 80)
    .option("--dcv-timeout <ms>", "time-out of one DNS lookup or HTTP exchange", positiveInt, 5000)
    .option("--dcv-approve-all", "DANGER, tests only: approve every validation without looking (also CASKIT_DCV_APPROVE_ALL=1)");
}

/** The validator the options ask for; the approve-all one with a warning on stderr. */
export function validatorFrom(o: Opts): DcvValidator {
  if (o.dcvApproveAll || process.env.CASKIT_DCV_APPROVE_ALL === "1") {
    process.stderr.write("caskit: WARNING: --dcv-approve-all / CASKIT_DCV_APPROVE_ALL — every domain validation passes without a look. Never for real certificates.\n");
    return approveAllValidator();
  }
  try {
    return createDcvValidator({ dnsServers: o.dcvDnsServer ? String(o.dcvDnsServer).split(",") : undefined, httpPort: o.dcvHttpPort, timeoutMs: o.dcvTimeout });
  } catch (e) {
    throw new CliError("InvalidDcvOption", (e as Error).message, EXIT.usage);
  }
}

const orderId = (v: string): number => {
  if (!/^\d{1,15}$/.test(v)) throw new InvalidArgumentError("an order id (a number)");
  return Number(v);
};
const orderLine = (x: Record<string, any>) => `${String(x.OrderId).padStart(6)}  ${x.Status.padEnd(12)}  ${x.ProductCode.padEnd(24)}  ${x.Domain}`;

export function register(program: Command): void {
  const product = program.command("product").description("the certificate products orders are for, and which CA issues each");
  product
    .command("list")
    .description("every product code, its kind, validity and the CA mapped to it")
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out) => {
        const mapped = new Map((await s.store.read((tx) => tx.productCas.list())).map((m) => [m.productCode, m.caId]));
        const rows = [...PRODUCTS.values()].map((p) => ({ ProductCode: p.code, Name: p.name, Validation: p.validation, Wildcard: p.wildcard, Months: p.months, CaIdentifier: mapped.get(p.code) ?? "" }));
        out.result(rows, () => rows.map((r) => `${r.ProductCode.padEnd(26)} ${r.Validation} ${r.Wildcard ? "wildcard" : "single  "} ${String(r.Months).padStart(2)} mo  ${r.CaIdentifier || "(no CA: orders refused)"}`).join("\n"));
      }),
    );
  product
    .command("map <code>")
    .description("make one of your subordinate CAs (RSA or ECC) issue a product")
    .requiredOption("--ca <id>", "the CA identifier")
    .action((code: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        await mapProduct(s.ctx, code, o.ca);
        out.result({ ProductCode: code, CaIdentifier: o.ca }, () => `${code} is issued by ${o.ca}`);
      }),
    );

  const pkg = program.command("package").description("quota (resource plans) per tenant and product");
  pkg
    .command("grant <code>")
    .description("add certificates to a tenant's package of a product")
    .requiredOption("--count <n>", "how many", positiveInt)
    .addOption(tenantOption())
    .action((code: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await grantPackage(asTenant(s, o.tenant), code, o.count);
        out.result(r, () => `${o.tenant} ${code}: ${r?.totalCount} in all, ${r?.usedCount} used, ${r?.issuedCount} issued`);
      }),
    );
  pkg
    .command("show [code]")
    .description("a tenant's packages (DescribePackageState)")
    .addOption(tenantOption())
    .action((code: string | undefined, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const rows = code ? [await callAs(s, o, "DescribePackageState", { ProductCode: code })] : (await s.store.read((tx) => tx.packages.list(o.tenant))).map((p) => ({ ProductCode: p.productCode, TotalCount: p.totalCount, UsedCount: p.usedCount, IssuedCount: p.issuedCount }));
        out.result(rows, () => rows.map((r) => `${String(r.ProductCode).padEnd(26)} total ${r.TotalCount}  used ${r.UsedCount}  issued ${r.IssuedCount}`).join("\n") || "no packages");
      }),
    );

  const contact = program.command("contact").description("a tenant's contacts (the newest is the default of every order)");
  contact
    .command("add")
    .requiredOption("--name <name>", "the person")
    .requiredOption("--phone <phone>", "phone number")
    .requiredOption("--email <email>", "e-mail address")
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const id = await addContact(asTenant(s, o.tenant), { name: o.name, phone: o.phone, email: o.email });
        out.result({ ContactId: id }, () => `contact ${id} added`);
      }),
    );
  contact
    .command("list")
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const rows = await s.store.read((tx) => tx.contacts.list(o.tenant));
        out.result(rows, () => rows.map((c) => `${c.id}  ${c.name}  ${c.phone}  ${c.email}`).join("\n") || "no contacts");
      }),
    );

  const company = program.command("company").description("a tenant's company profiles (the subject of OV and EV certificates)");
  company
    .command("add")
    .requiredOption("--name <name>", "the company's name (O)")
    .option("--country <cc>", "country (C), two letters")
    .option("--state <name>", "state or province (ST)")
    .option("--locality <name>", "city (L)")
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const id = await addCompany(asTenant(s, o.tenant), { name: o.name, country: o.country, state: o.state, locality: o.locality });
        out.result({ CompanyId: id }, () => `company ${id} added`);
      }),
    );
  company
    .command("list")
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const rows = await s.store.read((tx) => tx.companies.list(o.tenant));
        out.result(rows, () => rows.map((c) => `${c.id}  ${c.name}  ${[c.country, c.state, c.locality].filter(Boolean).join(", ")}`).join("\n") || "no companies");
      }),
    );

  const order = program.command("order").description("certificate orders: apply, show, list, cancel, delete, revoke, renew, validate");
  order
    .command("create")
    .description("apply for a certificate (CreateCertificateForPackageRequest)")
    .option("--domain <names>", "up to five names, comma-separated (a CSR's CN and names win)")
    .option("--csr <file>", "your CSR (PEM or DER); without it caskit makes the key and hands it back once issued")
    .option("--product <code>", "product code (default digicert-free-1-free)")
    .addOption(new Option("--validate <method>", "domain validation method").choices(["DNS", "FILE"]).default("DNS"))
    .option("--company <name>", "company profile (OV/EV products)")
    .option("--name <name>", "contact name (default: the newest contact)")
    .option("--phone <phone>", "contact phone")
    .option("--email <email>", "contact e-mail")
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const csr = o.csr ? readCsr(o.csr) : undefined;
        const r = await callAs(s, o, "CreateCertificateForPackageRequest", { Csr: csr, Domain: o.domain, ProductCode: o.product, ValidateType: o.validate, CompanyName: o.company, Username: o.name, Phone: o.phone, Email: o.email });
        const st = await callAs(s, o, "DescribeCertificateState", { OrderId: r.OrderId });
        out.result({ ...r, ...st }, () => `order ${r.OrderId}: ${challengeText(st)}`);
      }),
    );
  order
    .command("show <id>")
    .description("an order's state, its challenge while validating, its certificate (and key) once issued")
    .addOption(tenantOption())
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const st = await callAs(s, o, "DescribeCertificateState", { OrderId: orderId(id) });
        out.result(st, () => (st.Type === "certificate" ? `${st.Certificate}${st.PrivateKey ?? ""}`.trimEnd() : `${st.Type}${st.Type === "domain_verify" ? `: ${challengeText(st)}` : ""}`));
      }),
    );
  order
    .command("list")
    .description("orders (ListUserCertificateOrder)")
    .option("--status <s>", "PAYED, CHECKING, CHECKED_FAIL, ISSUED, WILLEXPIRED, EXPIRED, REVOKED")
    .option("--keyword <text>", "part of a domain, or an order id")
    .option("--type <t>", "CPACK (orders, default) or CERT (their certificates)", "CPACK")
    .option("--page <n>", "page", positiveInt, 1)
    .option("--size <n>", "page size", positiveInt, 50)
    .addOption(tenantOption())
    .action((_o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await callAs(s, o, "ListUserCertificateOrder", { Status: o.status, Keyword: o.keyword, OrderType: o.type, CurrentPage: o.page, ShowSize: o.size });
        out.result(r, () => (r.CertificateOrderList.length ? r.CertificateOrderList.map((x: Record<string, any>) => (o.type === "CERT" ? `${x.CertificateId}  ${x.EndDate}  ${x.Sans}` : orderLine(x))).join("\n") : "no orders"));
      }),
    );
  for (const [name, action, what] of [
    ["cancel", "CancelOrderRequest", "withdraw an order under validation (it keeps its quota unit)"],
    ["delete", "DeleteCertificateRequest", "delete a withdrawn or failed order (its unit comes back)"],
    ["revoke", "CancelCertificateForPackageRequest", "revoke an issued order's certificate"],
  ] as const) {
    order
      .command(`${name} <id>`)
      .description(`${what} (${action})`)
      .addOption(tenantOption())
      .action((id: string, _o, cmd: Command) =>
        withSession(cmd, async (s, out, o) => {
          await callAs(s, o, action, { OrderId: orderId(id) });
          out.result({ OrderId: Number(id) }, () => `${name}: order ${id} done`);
        }),
      );
  }
  order
    .command("renew <id>")
    .description("renew an issued order: a new order for the same names (RenewCertificateOrderForPackageRequest)")
    .option("--csr <file>", "a new CSR (else caskit makes a new key)")
    .addOption(tenantOption())
    .action((id: string, _o, cmd: Command) =>
      withSession(cmd, async (s, out, o) => {
        const r = await callAs(s, o, "RenewCertificateOrderForPackageRequest", { OrderId: orderId(id), Csr: o.csr ? readCsr(o.csr) : undefined });
        out.result(r, () => `order ${r.OrderId} renews ${id}`);
      }),
    );
  dcvOptions(
    order
      .command("validate [id]")
      .description("look for the validation records now: one order (any tenant's), or every order that is due")
      .addOption(tenantOption()),
  ).action((id: string | undefined, _o, cmd: Command) =>
    withSession(cmd, async (s, out, o) => {
      const validator = validatorFrom(o);
      if (id) {
        const rec = await s.store.read((tx) => tx.orders.get(o.tenant, orderId(id)));
        if (!rec) throw new InvalidArgumentError(`no order ${id} of tenant ${o.tenant}`);
        const status = await validateOrder(s.store, s.ctx.config, validator, s.ctx.now, rec);
        const after = await s.store.read((tx) => tx.orders.get(o.tenant, rec.id));
        out.result({ OrderId: rec.id, Status: status, LastOutcome: after?.lastOutcome ?? null }, () => `order ${rec.id}: ${status} (${after?.lastOutcome ?? ""})`);
      } else {
        const r = await validatePendingOrders(s.store, s.ctx.config, validator, s.ctx.now);
        out.result(r, () => `${r.checked} checked: ${r.issued.length} issued, ${r.failed.length} failed, ${r.pending.length} still waiting`);
      }
    }),
  );
}

/** What the applicant must publish, in words. */
function challengeText(st: Record<string, any>): string {
  if (st.Type !== "domain_verify") return st.Type;
  if (st.ValidateType === "DNS") return `publish TXT "${st.RecordValue}" at ${String(st.Domain).split(",").map((d) => `${st.RecordDomain}.${d.replace(/^\*\./, "")}`).join(", ")}`;
  return `serve "${st.Content}" at ${String(st.Domain).split(",").map((d) => `http://${d}${st.Uri}`).join(", ")}`;
}
