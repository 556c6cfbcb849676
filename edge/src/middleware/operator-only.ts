import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

/**
 * `/admin/*` is the operator's door alone. The roles matrix would let a signed-in
 * user through some of its routes (creating a tenant, acting in their own), with
 * the operator's powers over plan fields; people use `/api/v1`, whatever their role.
 */
export const operatorOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.principal.kind !== 'admin') throw new ApiError(403, 'operator_only', 'The /admin routes take the operator admin key only; signed-in users use /api/v1');
  await next();
});
