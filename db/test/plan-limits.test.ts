import { describe, expect, it } from 'vitest';
import { effectiveLimits, PAST_DUE_GRACE_MS, planAllowing, PLANS, type LimitsInput } from '../src/index.ts';

const NOW = Date.parse('2026-12-03T08:00:00Z');
const tenant: LimitsInput['tenant'] = { tier: 'apprentice', monthlySessionHours: null, maxConcurrentSessions: null };
const limits = (input: Partial<LimitsInput>) => effectiveLimits({ tenant, subscription: null, billing: 'enabled', now: NOW, ...input });
const sub = (status: NonNullable<LimitsInput['subscription']>['status'], pastDueSince: Date | null = null) => ({ stripeSubscriptionId: 'sub_1', tier: 'guild' as const, status, pastDueSince });

describe('effective limits', () => {
  it("are the issue's plan table, cheapest first", () => {
    expect(PLANS.map((p) => [p.tier, p.priceCents.month, p.priceCents.year, p.limits.npcs, p.limits.seats])).toEqual([
      ['apprentice', 0, 0, 2, 1],
      ['adventurer', 900, 9000, 10, 1],
      ['dungeon_master', 1900, 19000, null, 2],
      ['guild', 2900, 29000, null, 5],
    ]);
    expect(limits({ tenant: { ...tenant, tier: 'adventurer' } })).toEqual({
      plan: 'adventurer',
      limits: { monthlySessions: 8, monthlySessionHours: 32, maxConcurrentSessions: 1, npcs: 10, seats: 1 },
      overridden: [],
      graceEndsAt: null,
    });
  });

  it("follow an active subscription's plan over the operator's tier, and the operator's overrides over both", () => {
    expect(limits({ subscription: sub('active') }).plan).toBe('guild');
    const overridden = limits({ tenant: { ...tenant, maxConcurrentSessions: 9 }, subscription: sub('trialing') });
    expect(overridden.limits).toMatchObject({ maxConcurrentSessions: 9, seats: 5 });
    expect(overridden.overridden).toEqual(['maxConcurrentSessions']);
  });

  it('keep a past-due plan for the grace period, then fall to apprentice by the clock', () => {
    const since = new Date(NOW - PAST_DUE_GRACE_MS + 1000);
    expect(limits({ subscription: sub('past_due', since) })).toMatchObject({ plan: 'guild', graceEndsAt: new Date(NOW + 1000) });
    expect(limits({ subscription: sub('past_due', since), now: NOW + 1000 })).toMatchObject({ plan: 'apprentice', graceEndsAt: null });
  });

  it("keep the operator's tier while a Stripe customer has not completed a checkout", () => {
    const customerOnly = { ...sub('incomplete'), stripeSubscriptionId: null };
    expect(limits({ tenant: { ...tenant, tier: 'dungeon_master' }, subscription: customerOnly }).plan).toBe('dungeon_master');
  });

  it('fall to apprentice when the subscription is canceled, unpaid or never completed', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused'] as const) {
      expect(limits({ subscription: sub(status) }).plan).toBe('apprentice');
    }
  });

  it('are unlimited with billing disabled, but for what the operator set', () => {
    const selfHosted = limits({ billing: 'disabled', tenant: { ...tenant, monthlySessionHours: 4 }, subscription: sub('canceled') });
    expect(selfHosted).toEqual({
      plan: null,
      limits: { monthlySessions: null, monthlySessionHours: 4, maxConcurrentSessions: null, npcs: null, seats: null },
      overridden: ['monthlySessionHours'],
      graceEndsAt: null,
    });
  });

  it('name the cheapest plan that allows more', () => {
    expect(planAllowing('npcs', 2)?.tier).toBe('adventurer');
    expect(planAllowing('npcs', 10)?.tier).toBe('dungeon_master');
    expect(planAllowing('seats', 5)).toBeNull();
  });
});
