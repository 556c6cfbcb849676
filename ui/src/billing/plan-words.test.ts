import { describe, expect, it } from 'vitest';
import type { Plan, Subscription } from './billing-queries.ts';
import { changeWords, dollars, isLive, money, priceOf, yearlySaving } from './plan-words.ts';

const plan = (tier: Plan['tier'], month: number, year: number) => ({ tier, price_cents: { month, year } }) as Plan;
const sub = (s: Partial<Subscription>): Subscription => ({ tier: 'adventurer', interval: 'month', status: 'active', current_period_end: null, cancel_at_period_end: false, past_due_since: null, ...s });

describe('plan words', () => {
  it('price plans by the interval, free plans as free', () => {
    expect(priceOf(plan('adventurer', 900, 9000), 'month')).toBe('$9 a month');
    expect(priceOf(plan('adventurer', 900, 9000), 'year')).toBe('$90 a year');
    expect(priceOf(plan('apprentice', 0, 0), 'year')).toBe('Free');
    expect(dollars(1950)).toBe('$19.50');
    expect(money(1900, 'usd')).toBe('$19.00');
  });

  it('say what a yearly plan saves against twelve months', () => {
    expect(yearlySaving(plan('guild', 2900, 29000))).toBe(58);
    expect(yearlySaving(plan('apprentice', 0, 0))).toBe(0);
  });

  it('confirm a first plan as a checkout, and a change of a live subscription as prorated', () => {
    expect(changeWords(null, plan('guild', 2900, 29000), 'year')).toMatch(/^You pay \$290 a year on Stripe's secure checkout page/);
    expect(changeWords(sub({ status: 'canceled' }), plan('guild', 2900, 29000), 'month')).toMatch(/checkout/);
    expect(changeWords(sub({ status: 'past_due' }), plan('guild', 2900, 29000), 'month')).toBe(
      'Your subscription moves from Adventurer, billed every month, to Guild at $29 a month. Stripe prorates: the rest of this period is credited or charged on your next invoice, and the new limits apply at once.',
    );
  });

  it('count active, trialing and past-due subscriptions as live, not canceled or unpaid ones', () => {
    expect(['active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete'].map((status) => isLive(sub({ status: status as Subscription['status'] })))).toEqual([true, true, true, false, false, false]);
    expect(isLive(null)).toBe(false);
  });
});
