/**
 * Migration 7, sqlite: the certificate-order half of CAS (API 2020-04-07).
 * - product_cas: which of the operator's issuing CAs signs each product (the catalogue itself is code:
 *   src/service/orders/products.ts).
 * - packages: quota per tenant and product. used_count counts applications (every accepted Create*Request),
 *   issued_count issued certificates; the CHECK and a guarded UPDATE make "take one unit" atomic, so two
 *   processes racing for the last unit get exactly one order.
 * - contacts, companies: the tenant's contact people and company profiles (OV subjects); "most recently
 *   added" is the default, hence the serial ids.
 * - orders: one application each. status is the DescribeCertificateState vocabulary plus 'revoked';
 *   domains is a comma-separated list; a service-generated key is sealed like every other key (AAD
 *   "order:<id>"); next_check_at/attempts drive the validator's back-off; deadline ends validation.
 * Same meaning as postgres/0007-orders.ts.
 */
export const sql = `
CREATE TABLE product_cas (
  product_code TEXT PRIMARY KEY,
  ca_id TEXT NOT NULL REFERENCES cas(id),
  updated_at INTEGER NOT NULL
);
CREATE TABLE packages (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  product_code TEXT NOT NULL,
  total_count INTEGER NOT NULL CHECK (total_count >= 0),
  used_count INTEGER NOT NULL DEFAULT 0 CHECK (used_count >= 0),
  issued_count INTEGER NOT NULL DEFAULT 0 CHECK (issued_count >= 0),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, product_code),
  CHECK (used_count <= total_count)
);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX contacts_tenant ON contacts (tenant_id, id);
CREATE TABLE companies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  country TEXT,
  state TEXT,
  locality TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  product_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('payed','domain_verify','process','verify_fail','certificate','revoked')),
  validate_type TEXT NOT NULL CHECK (validate_type IN ('DNS','FILE')),
  domains TEXT NOT NULL,
  dcv_value TEXT NOT NULL,
  csr_pem TEXT NOT NULL,
  key_enc BLOB,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  company_name TEXT,
  certificate_id TEXT REFERENCES certificates(id),
  renewal_of INTEGER,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  next_check_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_outcome TEXT
);
CREATE INDEX orders_tenant ON orders (tenant_id, id);
CREATE INDEX orders_pending ON orders (next_check_at) WHERE status IN ('domain_verify', 'process');
`;
