/**
 * The certificate-order actions of CAS API version 2020-04-07 (packages, orders, domain validation).
 * The HTTP dispatcher and the CLI go through this table, as through PCA_ACTIONS for 2020-06-30.
 */
import type { Action } from "../run.js";
import { createCertificateForPackageRequest, createCertificateRequest, createCertificateWithCsrRequest, renewCertificateOrderForPackageRequest } from "./apply.js";
import { listUserCertificateOrder } from "./list.js";
import { cancelCertificateForPackageRequest, cancelOrderRequest, deleteCertificateRequest, describeCertificateState, describePackageState } from "./manage.js";

export const ORDER_VERSION = "2020-04-07";

export const ORDER_ACTIONS: ReadonlyMap<string, Action> = new Map(
  (
    [
      describePackageState,
      createCertificateForPackageRequest,
      createCertificateRequest,
      createCertificateWithCsrRequest,
      describeCertificateState,
      cancelOrderRequest,
      deleteCertificateRequest,
      cancelCertificateForPackageRequest,
      renewCertificateOrderForPackageRequest,
      listUserCertificateOrder,
    ] as Action[]
  ).map((a) => [a.name, a]),
);

export { PRODUCTS, DEFAULT_PRODUCT, type Product } from "./products.js";
export { validatePendingOrders, validateOrder, type ValidationOptions, type ValidationReport } from "./validate.js";
