import { planOf, UNLIMITED, type Limits } from './plans.ts';
import type { Subscription, Tenant, Tier } from './schema/index.ts';

/** `disabled`: self-hosted, no Stripe; every tenant unlimited but for the operator's overrides. */
export type BillingMode = 'enabled' | 'disabled';

/** The limits an operator can set on a tenant, over its plan's. */
export type OverridableLimit = 'monthlySessionHours' | 'maxConcurrentSessions';

/** How long a past-due subscription keeps its plan after the first failed payment. */
export const PAST_DUE_GRACE_MS = 7 * 24 * 3600 * 1000;

/** The limits a tenant works under now, and where they come from (the dashboard shows overrides as such). */
export interface EffectiveLimits {
  /** The plan in force; null when billing is disabled. */
  plan: Tier | null;
  limits: Limits;
  /** Limits the operator set on the tenant, over the plan's. */
  overridden: OverridableLimit[];
  /** When a past-due subscription falls back to apprentice, while it is in its grace period. */
  graceEndsAt: Date | null;
}

export interface LimitsInput {
  tenant: Pick<Tenant, 'tier' | 'monthlySessionHours' | 'maxConcurrentSessions'>;
  subscription: Pick<Subscription, 'stripeSubscriptionId' | 'tier' | 'status' | 'pastDueSince'> | null;
  billing: BillingMode;
  now: number;
}

/** The one place a tenant's limits are derived: its plan (the subscription's, else the operator's tier), then the operator's overrides. */
export function effectiveLimits({ tenant, subscription, billing, now }: LimitsInput): EffectiveLimits {
  const { plan, graceEndsAt } = billing === 'disabled' ? { plan: null, graceEndsAt: null } : planInForce(tenant.tier, subscription, now);
  const base = plan === null ? UNLIMITED : planOf(plan).limits;
  const overrides: Partial<Pick<Limits, OverridableLimit>> = {};
  if (tenant.monthlySessionHours !== null) overrides.monthlySessionHours = tenant.monthlySessionHours;
  if (tenant.maxConcurrentSessions !== null) overrides.maxConcurrentSessions = tenant.maxConcurrentSessions;
  return { plan, limits: { ...base, ...overrides }, overridden: Object.keys(overrides) as OverridableLimit[], graceEndsAt };
}

/**
 * The plan a subscription pays for: active or trialing, its tier; past due, its tier until
 * the grace period ends; anything else (canceled, unpaid, never completed) apprentice.
 * Without a subscription (or only a Stripe customer whose checkout never completed) the
 * operator's tier stands (a plan given by hand).
 */
function planInForce(operatorTier: Tier, subscription: LimitsInput['subscription'], now: number): { plan: Tier; graceEndsAt: Date | null } {
  if (!subscription?.stripeSubscriptionId) return { plan: operatorTier, graceEndsAt: null };
  switch (subscription.status) {
    case 'active':
    case 'trialing':
      return { plan: subscription.tier, graceEndsAt: null };
    case 'past_due': {
      const ends = (subscription.pastDueSince?.getTime() ?? now) + PAST_DUE_GRACE_MS;
      return now < ends ? { plan: subscription.tier, graceEndsAt: new Date(ends) } : { plan: 'apprentice', graceEndsAt: null };
    }
    default:
      return { plan: 'apprentice', graceEndsAt: null };
  }
}
