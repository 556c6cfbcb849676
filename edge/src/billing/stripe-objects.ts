import { invoiceStatus, subscriptionStatus, type InvoiceRecord, type SubscriptionState, type SubscriptionStatus } from '@glyphoxa/db';
import type Stripe from 'stripe';
import { planOfPrice, type StripePrices } from './stripe-config.ts';

/** How Stripe's objects become our rows: the plan from the subscription's price, its status as Stripe names it. */

const SECONDS = 1000;

/** An id, whether Stripe sent the object expanded or not. */
export const idOf = (ref: string | { id: string } | null | undefined): string | null => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);

/** The subscription as our row keeps it. A price this deployment does not sell is a configuration error, raised so Stripe retries once it is fixed. */
export function subscriptionState(subscription: Stripe.Subscription, prices: StripePrices): SubscriptionState {
  const item = subscription.items.data[0];
  if (!item) throw new Error(`Stripe subscription ${subscription.id} has no items`);
  const plan = planOfPrice(prices, item.price.id);
  if (!plan) throw new Error(`Stripe subscription ${subscription.id} is on price ${item.price.id}, which STRIPE_PRICES does not name`);
  if (!(subscriptionStatus.enumValues as readonly string[]).includes(subscription.status)) throw new Error(`Stripe subscription ${subscription.id} has an unknown status ${subscription.status}`);
  return {
    stripeSubscriptionId: subscription.id,
    ...plan,
    status: subscription.status as SubscriptionStatus,
    currentPeriodEnd: new Date(item.current_period_end * SECONDS),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

/** Whether a subscription still pays for a plan (a new checkout would make a second one). */
export const isLive = (status: SubscriptionStatus): boolean => status === 'active' || status === 'trialing' || status === 'past_due';

/** The invoice as our row keeps it. */
export function invoiceRecord(invoice: Stripe.Invoice): InvoiceRecord {
  const status = invoice.status && (invoiceStatus.enumValues as readonly string[]).includes(invoice.status) ? (invoice.status as InvoiceRecord['status']) : 'draft';
  return {
    id: invoice.id!,
    status,
    amountDueCents: invoice.amount_due,
    amountPaidCents: invoice.amount_paid,
    currency: invoice.currency,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    issuedAt: new Date(invoice.created * SECONDS),
  };
}

/** The subscription an invoice bills, if any. */
export const subscriptionOfInvoice = (invoice: Stripe.Invoice): string | null => idOf(invoice.parent?.subscription_details?.subscription);
