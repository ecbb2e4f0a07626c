/**
 * caskit service layer: the CAS private-CA actions over a store, shared by the CLI and the HTTP server.
 * @module caskit/service
 */
export { PCA_ACTIONS } from "./actions/index.js";
export { runAction, type Action } from "./run.js";
export { ServiceError, toServiceError, CAS_ERROR_TABLE } from "./errors.js";
export { DEFAULT_TENANT, type ServiceConfig, type ServiceContext } from "./context.js";
export { currentCrl, rebuildCrl } from "./crl.js";

import { PCA_ACTIONS } from "./actions/index.js";
import type { ServiceContext } from "./context.js";
import { ServiceError } from "./errors.js";
import { runAction } from "./run.js";

/** Calls a CAS action by name with CAS-named parameters. */
export function call(ctx: ServiceContext, action: string, params: Record<string, unknown>): Promise<unknown> {
  const a = PCA_ACTIONS.get(action);
  if (!a) return Promise.reject(new ServiceError("InvalidApi.NotFound", 404, `the action ${action.slice(0, 64)} does not exist`));
  return runAction(ctx, a, params);
}
