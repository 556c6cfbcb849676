import type { Interval, Plan, Subscription, Tier } from './billing-queries.ts';

/** The words a screen uses for plans, prices and their states: pure, so they are tested on their own. */

export const TIER_NAMES: Record<Tier, string> = { apprentice: 'Apprentice', adventurer: 'Adventurer', dungeon_master: 'Dungeon Master', guild: 'Guild' };

export const VOICE_NAMES: Record<Plan['voices'], string> = { basic: 'Basic voices', standard: 'Standard voices', premium: 'Premium voices', premium_custom: 'Premium and custom voices' };

/** US cents as dollars: whole dollars without cents. */
export const dollars = (cents: number) => `$${cents % 100 === 0 ? cents / 100 : (cents / 100).toFixed(2)}`;

/** A plan's price for an interval: "Free", "$9 a month", "$90 a year". */
export function priceOf(plan: Pick<Plan, 'price_cents'>, interval: Interval): string {
  const cents = plan.price_cents[interval];
  return cents === 0 ? 'Free' : `${dollars(cents)} a ${interval}`;
}

/** What a year costs against twelve months of the monthly price, in whole dollars (0: no saving). */
export const yearlySaving = (plan: Pick<Plan, 'price_cents'>) => Math.max(0, Math.round((plan.price_cents.month * 12 - plan.price_cents.year) / 100));

/** An invoice's amount in its currency, as the browser writes money. */
export const money = (cents: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

export const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** Whether a subscription still bills (Stripe's live states): a plan change prorates it rather than opening a checkout. */
export const isLive = (s: Subscription | null): s is Subscription => s !== null && ['active', 'trialing', 'past_due'].includes(s.status);

/** What choosing `tier` every `interval` does from where the team stands, in one sentence for the confirmation. */
export function changeWords(current: Subscription | null, target: Plan, interval: Interval): string {
  const price = priceOf(target, interval);
  if (!isLive(current)) return `You pay ${price} on Stripe's secure checkout page; the ${TIER_NAMES[target.tier]} plan starts once the payment is confirmed.`;
  const from = `${TIER_NAMES[current.tier]}, billed every ${current.interval}`;
  return `Your subscription moves from ${from}, to ${TIER_NAMES[target.tier]} at ${price}. Stripe prorates: the rest of this period is credited or charged on your next invoice, and the new limits apply at once.`;
}
