import type { Tenant, Tier } from './schema/index.ts';

export interface Limits {
  /** Null: unlimited. */
  monthlySessionHours: number | null;
  maxConcurrentSessions: number;
}

/** What each plan includes; a tenant's own fields override these numbers. */
export const TIER_LIMITS: Record<Tier, Limits> = {
  apprentice: { monthlySessionHours: 8, maxConcurrentSessions: 1 },
  adventurer: { monthlySessionHours: 32, maxConcurrentSessions: 1 },
  dungeon_master: { monthlySessionHours: null, maxConcurrentSessions: 3 },
  guild: { monthlySessionHours: null, maxConcurrentSessions: 5 },
};

export function effectiveLimits(tenant: Pick<Tenant, 'tier' | 'monthlySessionHours' | 'maxConcurrentSessions'>): Limits {
  const plan = TIER_LIMITS[tenant.tier];
  return {
    monthlySessionHours: tenant.monthlySessionHours ?? plan.monthlySessionHours,
    maxConcurrentSessions: tenant.maxConcurrentSessions ?? plan.maxConcurrentSessions,
  };
}

/** The UTC month a moment belongs to, as `YYYY-MM`. */
export function periodOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** The pool a tenant's sessions run in: its own for dedicated, else the shared one. */
export function poolOf(tenant: Pick<Tenant, 'id' | 'licenseTier'>): string {
  return tenant.licenseTier === 'dedicated' ? tenant.id : SHARED_POOL;
}

export const SHARED_POOL = 'shared';
