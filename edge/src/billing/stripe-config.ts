import { tier, type BillingInterval, type Tier } from '@glyphoxa/db';
import * as v from 'valibot';
import type { Bindings } from '../env.ts';

/** The paid tiers: each has a Stripe price per interval; apprentice is free and has none. */
export const PAID_TIERS = tier.enumValues.filter((t) => t !== 'apprentice') as Exclude<Tier, 'apprentice'>[];
export type PaidTier = (typeof PAID_TIERS)[number];

const PriceId = v.pipe(v.string(), v.regex(/^price_\w+$/, 'must be a Stripe price id (price_…)'));
const IntervalPrices = v.strictObject({ month: PriceId, year: PriceId });

/** `STRIPE_PRICES`: `{"adventurer": {"month": "price_…", "year": "price_…"}, "dungeon_master": …, "guild": …}`. */
const PricesSchema = v.strictObject(Object.fromEntries(PAID_TIERS.map((t) => [t, IntervalPrices])) as Record<PaidTier, typeof IntervalPrices>);
export type StripePrices = v.InferOutput<typeof PricesSchema>;

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  prices: StripePrices;
  /** Where the Stripe API is reached (`STRIPE_API_BASE`); null: api.stripe.com. */
  apiBase: URL | null;
}

/** Stripe's settings, read when billing is enabled; a missing or malformed one fails loudly, naming it. */
export function stripeConfig(env: Pick<Bindings, 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_PRICES' | 'STRIPE_API_BASE'>): StripeConfig {
  if (!env.STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is not set');
  if (!env.STRIPE_WEBHOOK_SECRET) throw new Error('STRIPE_WEBHOOK_SECRET is not set (the signing secret of the webhook endpoint)');
  if (!env.STRIPE_PRICES) throw new Error('STRIPE_PRICES is not set (JSON: each paid tier\'s month and year price ids)');
  let raw: unknown;
  try {
    raw = JSON.parse(env.STRIPE_PRICES);
  } catch {
    throw new Error('STRIPE_PRICES must be JSON');
  }
  const prices = v.safeParse(PricesSchema, raw);
  if (!prices.success) throw new Error(`STRIPE_PRICES: ${v.summarize(prices.issues)}`);
  return { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, prices: prices.output, apiBase: env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null };
}

/** The plan a Stripe price pays for; null for a price this deployment does not sell. */
export function planOfPrice(prices: StripePrices, priceId: string): { tier: PaidTier; interval: BillingInterval } | null {
  for (const t of PAID_TIERS) {
    for (const interval of ['month', 'year'] as const) if (prices[t][interval] === priceId) return { tier: t, interval };
  }
  return null;
}
