import type { Tenant, Tier } from './schema/index.ts';

/** What a plan allows: session hours a UTC month and sessions at once. */
export interface Limits {
  /** Null: unlimited. */
  monthlySessionHours: number | null;
  maxConcurrentSessions: number;
}

/** What each plan includes; a tenant's own fields override these numbers. */
export const PLAN_LIMITS: Record<Tier, Limits> = {
  apprentice: { monthlySessionHours: 8, maxConcurrentSessions: 1 },
  adventurer: { monthlySessionHours: 32, maxConcurrentSessions: 1 },
  dungeon_master: { monthlySessionHours: null, maxConcurrentSessions: 3 },
  guild: { monthlySessionHours: null, maxConcurrentSessions: 5 },
};

/** The tenant's limits: its own overrides, else its plan's. */
export function effectiveLimits(tenant: Pick<Tenant, 'tier' | 'monthlySessionHours' | 'maxConcurrentSessions'>): Limits {
  const plan = PLAN_LIMITS[tenant.tier];
  return {
    monthlySessionHours: tenant.monthlySessionHours ?? plan.monthlySessionHours,
    maxConcurrentSessions: tenant.maxConcurrentSessions ?? plan.maxConcurrentSessions,
  };
}
