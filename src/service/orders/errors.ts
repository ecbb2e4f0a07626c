/**
 * The order family's documented error codes (CAS 2020-04-07: the table published with
 * CreateCertificateWithCsrRequest and DeleteCertificateRequest), each with the documented HTTP status.
 * Parameter errors (Missing…/Invalid…) come from the shared service helpers.
 */
import { ServiceError } from "../errors.js";

export const notFoundPackage = (product: string) =>
  new ServiceError("NotFoundPackage", 404, `no resource plan (package) of ${product.slice(0, 64)} for this account; the operator grants one with \`caskit package grant\``);
export const notRemainCount = (product: string) => new ServiceError("NotRemainCount", 404, `the package of ${product.slice(0, 64)} has no certificates left`);
export const notFoundOrder = (id: number | string) => new ServiceError("NotFoundOrder", 404, `the order ${String(id).slice(0, 20)} does not exist`);
export const orderStateError = (message: string) => new ServiceError("OrderStateError", 403, message);
export const createFailed = (message: string) => new ServiceError("CreateCertificateRequestFailed", 403, message);
