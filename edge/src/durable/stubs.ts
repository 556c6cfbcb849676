import type { Bindings } from '../env.ts';

/** A tenant's coordinator: the stub is the tenant, its methods take no tenant id. */
export function coordinatorOf(env: Pick<Bindings, 'TENANT_COORDINATOR'>, tenantId: string) {
  return env.TENANT_COORDINATOR.getByName(tenantId);
}

/** A node pool's Fleet: `shared`, or a dedicated tenant's id (see `poolOf`). */
export function fleetOf(env: Pick<Bindings, 'FLEET'>, pool: string) {
  return env.FLEET.getByName(pool);
}

/** The one writer of every coordinator's periodic flush (see `FlushWriter`). */
export function flushWriterOf(env: Pick<Bindings, 'FLUSH_WRITER'>) {
  return env.FLUSH_WRITER.getByName('flushes');
}

/** The circuit breaker of a tenant's tool server `name`. */
export function breakerOf(env: Pick<Bindings, 'TOOL_SERVER_BREAKER'>, tenantId: string, name: string) {
  return env.TOOL_SERVER_BREAKER.getByName(`${tenantId}:${name}`);
}
