import { billingInterval, invoiceStatus, PLANS, subscriptionStatus, tier, type EffectiveLimits, type Invoice, type PlanUsage, type Subscription } from '@glyphoxa/db';
import * as v from 'valibot';
import { LimitsViewSchema, viewLimits } from './tenant.ts';

const PlanLimitsSchema = v.object({
  monthly_sessions: v.nullable(v.number()),
  monthly_session_hours: v.nullable(v.number()),
  max_concurrent_sessions: v.nullable(v.number()),
  npcs: v.nullable(v.number()),
  seats: v.nullable(v.number()),
});

/** A plan of the catalogue (db/src/plans.ts) on the wire; null limits are unlimited. */
export const PlanViewSchema = v.object({
  tier: v.picklist(tier.enumValues),
  price_cents: v.object({ month: v.number(), year: v.number() }),
  limits: PlanLimitsSchema,
  voices: v.picklist(['basic', 'standard', 'premium', 'premium_custom']),
});

/** The tenant's Stripe subscription as Stripe last said it is; null before its first checkout completes. */
export const SubscriptionViewSchema = v.object({
  tier: v.picklist(tier.enumValues),
  interval: v.picklist(billingInterval.enumValues),
  status: v.picklist(subscriptionStatus.enumValues),
  current_period_end: v.nullable(v.string()),
  cancel_at_period_end: v.boolean(),
  /** When a payment first failed in the current run of failures. */
  past_due_since: v.nullable(v.string()),
});

/** What the tenant holds this UTC month of each thing `limits` bounds, under the same names. */
export const PlanUsageViewSchema = v.object({
  monthly_sessions: v.number(),
  /** As last recorded: a running session's hours arrive as it is flushed. */
  monthly_session_hours: v.number(),
  max_concurrent_sessions: v.number(),
  npcs: v.number(),
  /** Members and pending invites. */
  seats: v.number(),
});

export const BillingViewSchema = v.object({
  subscription: v.nullable(SubscriptionViewSchema),
  /** What the tenant works under now (its plan, the operator's overrides shown as such). */
  limits: LimitsViewSchema,
  usage: PlanUsageViewSchema,
  plans: v.array(PlanViewSchema),
});
export type BillingView = v.InferOutput<typeof BillingViewSchema>;

export const InvoiceViewSchema = v.object({
  id: v.string(),
  status: v.picklist(invoiceStatus.enumValues),
  amount_due_cents: v.number(),
  amount_paid_cents: v.number(),
  currency: v.string(),
  /** Stripe's page for the invoice (pay it, download its PDF); null for a draft. */
  hosted_invoice_url: v.nullable(v.string()),
  issued_at: v.string(),
});
export type InvoiceView = v.InferOutput<typeof InvoiceViewSchema>;

export function viewSubscription(s: Subscription | null): v.InferOutput<typeof SubscriptionViewSchema> | null {
  // A customer whose checkout never completed has no subscription yet.
  if (!s?.stripeSubscriptionId) return null;
  return {
    tier: s.tier,
    interval: s.interval,
    status: s.status,
    current_period_end: s.currentPeriodEnd?.toISOString() ?? null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    past_due_since: s.pastDueSince?.toISOString() ?? null,
  };
}

export function viewBilling(subscription: Subscription | null, effective: EffectiveLimits, usage: PlanUsage): BillingView {
  return {
    subscription: viewSubscription(subscription),
    limits: viewLimits(effective),
    usage: {
      monthly_sessions: usage.monthlySessions,
      monthly_session_hours: usage.monthlySessionHours,
      max_concurrent_sessions: usage.liveSessions,
      npcs: usage.npcs,
      seats: usage.seats,
    },
    plans: PLANS.map((p) => ({
      tier: p.tier,
      price_cents: p.priceCents,
      limits: {
        monthly_sessions: p.limits.monthlySessions,
        monthly_session_hours: p.limits.monthlySessionHours,
        max_concurrent_sessions: p.limits.maxConcurrentSessions,
        npcs: p.limits.npcs,
        seats: p.limits.seats,
      },
      voices: p.voices,
    })),
  };
}

export function viewInvoice(i: Invoice): InvoiceView {
  return {
    id: i.id,
    status: i.status,
    amount_due_cents: i.amountDueCents,
    amount_paid_cents: i.amountPaidCents,
    currency: i.currency,
    hosted_invoice_url: i.hostedInvoiceUrl,
    issued_at: i.issuedAt.toISOString(),
  };
}
