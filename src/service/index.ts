/**
 * caskit service layer: the CAS private-CA actions over a store, shared by the CLI and the HTTP server.
 * @module caskit/service
 */
export { PCA_ACTIONS } from "./actions/index.js";
export { ORDER_ACTIONS, ORDER_VERSION, PRODUCTS, validatePendingOrders, validateOrder } from "./orders/index.js";

/** The API version of the private-CA actions. */
export const PCA_VERSION = "2020-06-30";
export { runAction, type Action } from "./run.js";
export { ServiceError, toServiceError, CAS_ERROR_TABLE } from "./errors.js";
export { DEFAULT_TENANT, type ServiceConfig, type ServiceContext } from "./context.js";
export { currentCrl, rebuildCrl } from "./crl.js";
export { currentShardCrl, refreshShardCrls, servedShardCrl } from "./crl-shards.js";

import { PCA_ACTIONS } from "./actions/index.js";
import type { ServiceContext } from "./context.js";
import { ORDER_ACTIONS, ORDER_VERSION } from "./orders/index.js";
import type { Action } from "./run.js";
import { ServiceError } from "./errors.js";
import { runAction } from "./run.js";

/**
 * The action `name` of API `version`: the private-CA actions under 2020-06-30 (and, a caskit leniency,
 * under 2020-04-07 too), the order actions under 2020-04-07. Undefined when there is none.
 */
export function actionFor(version: string, name: string, options: { pcaUnder20200407?: boolean } = {}): Action | undefined {
  if (version === PCA_VERSION) return PCA_ACTIONS.get(name);
  if (version === ORDER_VERSION) return ORDER_ACTIONS.get(name) ?? ((options.pcaUnder20200407 ?? true) ? PCA_ACTIONS.get(name) : undefined);
  return undefined;
}

/** Calls a CAS action by name with CAS-named parameters (either API version: the names do not overlap). */
export function call(ctx: ServiceContext, action: string, params: Record<string, unknown>): Promise<unknown> {
  const a = PCA_ACTIONS.get(action) ?? ORDER_ACTIONS.get(action);
  if (!a) return Promise.reject(new ServiceError("InvalidApi.NotFound", 404, `the action ${action.slice(0, 64)} does not exist`));
  return runAction(ctx, a, params);
}
