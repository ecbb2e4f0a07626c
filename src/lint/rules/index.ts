/**
 * Loads every rule family (each module registers its rules). Add one import line per new module:
 * CSR rules are csr-*.ts, certificate rules cert-*.ts, CRL rules crl-*.ts.
 */
import "./csr-input.js";
import "./csr-key.js";
import "./csr-signature.js";
import "./csr-sm2.js";
import "./csr-subject.js";
import "./csr-names.js";
import "./csr-cas.js";
// certificate rules (cert-*.ts) and CRL rules (crl-*.ts): one line each below
import "./cert-encoding.js";
import "./cert-signatures.js";
import "./cert-keys.js";
import "./cert-validity.js";
import "./cert-names.js";
import "./cert-san.js";
import "./cert-extensions.js";
import "./crl-structure.js";
import "./crl-entries.js";
import "./cert-ca-profile.js";
