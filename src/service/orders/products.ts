/**
 * The CAS certificate products (ProductCode) an order can be for, as the 2020-04-07 documents list
 * them. Each is served by one of the operator's own issuing CAs (`caskit products map`); what the
 * product name promises of the real brands (their roots, their vetting) is not caskit's to keep — the
 * code only fixes the shape: DV/OV/EV, single or wildcard names, and validity.
 */
export interface Product {
  code: string;
  brand: string;
  name: string;
  /** ListUserCertificateOrder's CertType: the free products say FREE. */
  certType: "DV" | "OV" | "EV" | "FREE";
  /** OV and EV need a company profile and put it in the subject. */
  validation: "DV" | "OV" | "EV";
  wildcard: boolean;
  months: number;
}

const p = (code: string, brand: string, validation: Product["validation"], wildcard: boolean, months = 12, free = false): Product => ({
  code,
  brand,
  name: `${brand} ${validation} ${wildcard ? "wildcard" : "single-domain"}${free ? " (free)" : ""}`,
  certType: free ? "FREE" : validation,
  validation,
  wildcard,
  months,
});

/** All fifteen documented codes. The documents call cfca-ev-w-advanced an OV product in their text; its code says EV, which is what caskit follows. */
export const PRODUCTS: ReadonlyMap<string, Product> = new Map(
  [
    p("digicert-free-1-free", "DigiCert", "DV", false, 3, true),
    p("symantec-free-1-free", "DigiCert", "DV", false, 12, true),
    p("symantec-dv-1-starter", "DigiCert", "DV", true),
    p("symantec-ov-1-personal", "DigiCert", "OV", false),
    p("symantec-ov-w-personal", "DigiCert", "OV", true),
    p("geotrust-dv-1-starter", "GeoTrust", "DV", false),
    p("geotrust-dv-w-starter", "GeoTrust", "DV", true),
    p("geotrust-ov-1-personal", "GeoTrust", "OV", false),
    p("geotrust-ov-w-personal", "GeoTrust", "OV", true),
    p("globalsign-dv-1-personal", "GlobalSign", "DV", false),
    p("globalsign-dv-w-advanced", "GlobalSign", "DV", true),
    p("globalsign-ov-1-personal", "GlobalSign", "OV", false),
    p("globalsign-ov-w-advanced", "GlobalSign", "OV", true),
    p("cfca-ov-1-personal", "CFCA", "OV", false),
    p("cfca-ev-w-advanced", "CFCA", "EV", true),
  ].map((x) => [x.code, x]),
);

/** The ProductCode an action uses when the caller names none. */
export const DEFAULT_PRODUCT = "digicert-free-1-free";
