import type { BillingInterval, Tier } from './schema/index.ts';

/** What a plan allows; null: unlimited. */
export interface Limits {
  monthlySessions: number | null;
  monthlySessionHours: number | null;
  maxConcurrentSessions: number | null;
  npcs: number | null;
  seats: number | null;
}

export type VoiceRange = 'basic' | 'standard' | 'premium' | 'premium_custom';

export interface Plan {
  tier: Tier;
  /** US cents a billing interval; 0 is free (no Stripe price). */
  priceCents: Record<BillingInterval, number>;
  limits: Limits;
  voices: VoiceRange;
}

/**
 * The plans catalogue, cheapest first (the order "the plan that allows more" is looked up in).
 * Stripe's price ids for these are configuration (edge billing/prices.ts), never data here.
 */
export const PLANS: readonly Plan[] = [
  {
    tier: 'apprentice',
    priceCents: { month: 0, year: 0 },
    limits: { monthlySessions: 2, monthlySessionHours: 8, maxConcurrentSessions: 1, npcs: 2, seats: 1 },
    voices: 'basic',
  },
  {
    tier: 'adventurer',
    priceCents: { month: 900, year: 9000 },
    limits: { monthlySessions: 8, monthlySessionHours: 32, maxConcurrentSessions: 1, npcs: 10, seats: 1 },
    voices: 'standard',
  },
  {
    tier: 'dungeon_master',
    priceCents: { month: 1900, year: 19000 },
    limits: { monthlySessions: null, monthlySessionHours: null, maxConcurrentSessions: 3, npcs: null, seats: 2 },
    voices: 'premium',
  },
  {
    tier: 'guild',
    priceCents: { month: 2900, year: 29000 },
    limits: { monthlySessions: null, monthlySessionHours: null, maxConcurrentSessions: 5, npcs: null, seats: 5 },
    voices: 'premium_custom',
  },
];

/** Self-hosted (billing disabled): nothing is metered against a plan. */
export const UNLIMITED: Limits = { monthlySessions: null, monthlySessionHours: null, maxConcurrentSessions: null, npcs: null, seats: null };

export function planOf(tier: Tier): Plan {
  return PLANS.find((p) => p.tier === tier)!;
}

/** The cheapest plan allowing more than `count` of `limit`; null when none does. */
export function planAllowing(limit: keyof Limits, count: number): Plan | null {
  return PLANS.find((p) => p.limits[limit] === null || p.limits[limit] > count) ?? null;
}
