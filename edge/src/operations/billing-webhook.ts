import { onceForEvent, tenantOfCustomer, upsertInvoices, writeSubscriptionState, type Subscription } from '@glyphoxa/db';
import type Stripe from 'stripe';
import { stripeClient } from '../billing/stripe-client.ts';
import type { StripeConfig } from '../billing/stripe-config.ts';
import { idOf, invoiceRecord, isLive, subscriptionOfInvoice, subscriptionState } from '../billing/stripe-objects.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import type { OperationContext } from './context.ts';

/** The events that move a tenant's plan or its invoices; Stripe's others are answered and left. */
const HANDLED = new Set(['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed', 'customer.subscription.updated', 'customer.subscription.deleted']);

/** What became of a delivery: `duplicate` when the event id was processed before (a redelivery, or a race lost). */
export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored';

/** What an event is about: whose it is, and which subscription and invoice to read from Stripe. */
function subjectOf(event: Stripe.Event): { customer: string | null; subscription: string | null; invoice: string | null } {
  const object = event.data.object as Stripe.Checkout.Session | Stripe.Invoice | Stripe.Subscription;
  switch (object.object) {
    case 'checkout.session':
      return { customer: idOf(object.customer), subscription: idOf(object.subscription), invoice: idOf(object.invoice) };
    case 'invoice':
      return { customer: idOf(object.customer), subscription: subscriptionOfInvoice(object), invoice: object.id ?? null };
    case 'subscription':
      return { customer: idOf(object.customer), subscription: object.id, invoice: null };
  }
}

/**
 * A verified Stripe event, processed once per event id (see `onceForEvent`). The state written
 * is what Stripe says now, read back by id, never the event's snapshot: events arrive late, twice
 * and out of order, and the last one to arrive need not be the last that happened. Whatever
 * changed, the tenant's coordinator is told at once.
 */
export async function handleStripeEvent(ctx: OperationContext, config: StripeConfig, event: Stripe.Event): Promise<WebhookOutcome> {
  if (!HANDLED.has(event.type)) return 'ignored';
  const subject = subjectOf(event);
  const tenantId = subject.customer && (await tenantOfCustomer(ctx.db(), subject.customer));
  if (!tenantId) {
    ctx.log.warn('stripe event for a customer no tenant has', { event_id: event.id, type: event.type, customer: subject.customer });
    return 'ignored';
  }
  const stripe = stripeClient(config);
  const processed = await onceForEvent(ctx.db(), tenantId, event, async (tx, current) => {
    if (subject.subscription) {
      const subscription = await stripe.subscriptions.retrieve(subject.subscription);
      const state = subscriptionState(subscription, config.prices);
      if (supersedes(current, state)) await writeSubscriptionState(tx, tenantId, state, pastDueSince(current, state, event));
    }
    if (subject.invoice) await upsertInvoices(tx, tenantId, [invoiceRecord(await stripe.invoices.retrieve(subject.invoice))]);
  });
  if (!processed) return 'duplicate';
  ctx.log.info('stripe event processed', { event_id: event.id, type: event.type, tenant_id: tenantId });
  await coordinatorOf(ctx.env, tenantId).planChanged();
  return 'processed';
}

/** News of an older subscription (one replaced by a new checkout) never overrides the live one. */
function supersedes(current: Subscription | null, state: { stripeSubscriptionId: string; status: Subscription['status'] }): boolean {
  if (!current?.stripeSubscriptionId || current.stripeSubscriptionId === state.stripeSubscriptionId) return true;
  return !(isLive(current.status) && !isLive(state.status));
}

/** A run of failures keeps its first moment (the grace counts from it); a new one starts when Stripe recorded it. */
function pastDueSince(current: Subscription | null, state: { stripeSubscriptionId: string; status: Subscription['status'] }, event: Stripe.Event): Date | null {
  if (state.status !== 'past_due') return null;
  const running = current?.stripeSubscriptionId === state.stripeSubscriptionId && current.status === 'past_due' ? current.pastDueSince : null;
  return running ?? new Date(event.created * 1000);
}
