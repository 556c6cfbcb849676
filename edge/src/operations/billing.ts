import { getSubscription, listInvoices, periodOf, planUsage, saveCustomer, saveInvoices, saveSubscriptionState, type BillingInterval, type Subscription } from '@glyphoxa/db';
import type Stripe from 'stripe';
import { audit } from '../audit.ts';
import { billingMode } from '../billing/mode.ts';
import { stripeClient } from '../billing/stripe-client.ts';
import { stripeConfig, type PaidTier, type StripeConfig } from '../billing/stripe-config.ts';
import { invoiceRecord, isLive, subscriptionState } from '../billing/stripe-objects.ts';
import { tenantLimits } from '../billing/tenant-limits.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewBilling, viewInvoice, viewSubscription, type BillingView, type InvoiceView } from '../views/billing.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

/** Where Stripe sends the owner back: a path of the dashboard, under `origin`. */
export interface ReturnTo {
  origin: string;
  /** Default: the tenant's billing settings. */
  path?: string;
}

/** A plan change's outcome: a Checkout page to pay on (no subscription yet), or the subscription changed with proration. */
export type PlanChange = { action: 'checkout'; checkout_url: string } | { action: 'changed'; subscription: NonNullable<ReturnType<typeof viewSubscription>> };

/** Billing is Stripe's: refused, as not there, on an installation that does not bill. */
function mustBill(ctx: OperationContext, principal: Principal, tenantId: string): StripeConfig {
  if (billingMode(ctx.env) === 'disabled') throw new ApiError(404, 'billing_disabled', 'Billing is disabled on this installation: every tenant is unlimited but for the limits its operator sets.');
  authorize(principal, 'billing.manage', tenantId);
  return stripeConfig(ctx.env);
}

/** Stripe's refusals and outages, in our error shape (its message names what it refused). */
async function stripeCall<T>(ctx: OperationContext, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { type?: string; statusCode?: number; message?: string };
    ctx.log.warn('stripe call failed', { what, type: e.type, status: e.statusCode, error: e.message });
    if (e.type === 'StripeInvalidRequestError') throw new ApiError(409, 'stripe_refused', `Stripe refused to ${what}: ${e.message}`);
    throw new ApiError(502, 'stripe_unavailable', `Stripe did not answer when asked to ${what}. Please try again in a moment.`);
  }
}

const returnUrl = (tenantId: string, to: ReturnTo, query = '') => `${to.origin.replace(/\/+$/, '')}${to.path ?? `/teams/${tenantId}/settings/billing`}${query}`;

/** The tenant's subscription, the limits it works under, what it holds against them this month, and the plans it may choose. */
export async function readBilling(ctx: OperationContext, principal: Principal, tenantId: string): Promise<BillingView> {
  mustBill(ctx, principal, tenantId);
  const db = ctx.db();
  const tenant = await mustGetTenant(db, tenantId);
  const [subscription, limits, usage] = await Promise.all([getSubscription(db, tenantId), tenantLimits(ctx, tenant), planUsage(db, tenantId, periodOf(Date.now()))]);
  return viewBilling(subscription, limits, usage);
}

/**
 * Moves the tenant to `tier` billed every `interval`. Without a live subscription: a Stripe
 * Checkout Session to pay on (the webhook records the subscription once it is paid). With one:
 * its price is changed with proration (Stripe bills or credits the rest of the period), the
 * new state is stored and the coordinator told at once.
 */
export async function changePlan(ctx: OperationContext, principal: Principal, tenantId: string, plan: { tier: PaidTier; interval: BillingInterval }, to: ReturnTo): Promise<PlanChange> {
  const config = mustBill(ctx, principal, tenantId);
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  const stripe = await stripeClient(config);
  const price = config.prices[plan.tier][plan.interval];
  const current = await getSubscription(db, tenantId);
  if (current?.stripeSubscriptionId && isLive(current.status)) {
    if (current.tier === plan.tier && current.interval === plan.interval) {
      throw new ApiError(409, 'already_on_plan', `You are on the ${plan.tier} plan, billed every ${plan.interval}, already.`, 'tier');
    }
    const changed = await switchPrice(ctx, stripe, config, current.stripeSubscriptionId, price);
    const row = await saveSubscriptionState(db, tenantId, changed);
    await coordinatorOf(ctx.env, tenantId).planChanged();
    await audit(ctx, principal, { tenantId, action: 'billing.plan_change', target: current.stripeSubscriptionId, detail: { from: `${current.tier}/${current.interval}`, to: `${plan.tier}/${plan.interval}` } });
    return { action: 'changed', subscription: viewSubscription(row)! };
  }
  const customer = await customerOf(ctx, stripe, tenantId, current, plan);
  const session = await stripeCall(ctx, 'open a checkout', () =>
    stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: tenantId,
      line_items: [{ price, quantity: 1 }],
      subscription_data: { metadata: { tenant_id: tenantId } },
      metadata: { tenant_id: tenantId },
      success_url: returnUrl(tenantId, to, '?checkout=complete'),
      cancel_url: returnUrl(tenantId, to, '?checkout=canceled'),
    }),
  );
  if (!session.url) throw new ApiError(502, 'stripe_unavailable', 'Stripe opened a checkout without a page to pay on. Please try again.');
  await audit(ctx, principal, { tenantId, action: 'billing.checkout', target: session.id, detail: { tier: plan.tier, interval: plan.interval } });
  return { action: 'checkout', checkout_url: session.url };
}

/** The subscription's one item moved to `price`, prorated, as Stripe answers it. */
async function switchPrice(ctx: OperationContext, stripe: Stripe, config: StripeConfig, subscriptionId: string, price: string) {
  const subscription = await stripeCall(ctx, 'read the subscription', () => stripe.subscriptions.retrieve(subscriptionId));
  const item = subscription.items.data[0];
  if (!item) throw new ApiError(409, 'stripe_refused', `Stripe subscription ${subscriptionId} has no items to change`);
  const updated = await stripeCall(ctx, 'change the plan', () =>
    stripe.subscriptions.update(subscriptionId, { items: [{ id: item.id, price }], proration_behavior: 'create_prorations', cancel_at_period_end: false }),
  );
  return subscriptionState(updated, config.prices);
}

/** The tenant's Stripe customer, made on its first checkout (one per tenant, also when two checkouts race). */
async function customerOf(ctx: OperationContext, stripe: Stripe, tenantId: string, current: Subscription | null, plan: { tier: PaidTier; interval: BillingInterval }): Promise<string> {
  if (current) return current.stripeCustomerId;
  const customer = await stripeCall(ctx, 'create the customer', () =>
    stripe.customers.create({ name: tenantId, metadata: { tenant_id: tenantId } }, { idempotencyKey: `glyphoxa-customer-${tenantId}` }),
  );
  return (await saveCustomer(ctx.db(), tenantId, customer.id, plan)).stripeCustomerId;
}

/** A Stripe Billing Portal page where the owner changes the card, cancels, or downloads invoices. */
export async function openPortal(ctx: OperationContext, principal: Principal, tenantId: string, to: ReturnTo): Promise<{ url: string }> {
  const config = mustBill(ctx, principal, tenantId);
  const current = await getSubscription(ctx.db(), tenantId);
  if (!current) throw new ApiError(409, 'no_billing_account', 'This team has no billing account yet: choose a plan first.');
  const stripe = await stripeClient(config);
  const session = await stripeCall(ctx, 'open the billing portal', () => stripe.billingPortal.sessions.create({ customer: current.stripeCustomerId, return_url: returnUrl(tenantId, to) }));
  return { url: session.url };
}

/** The tenant's invoices, newest first, as Stripe has them now (stored, so the list survives an outage of Stripe's). */
export async function listTenantInvoices(ctx: OperationContext, principal: Principal, tenantId: string, query: { limit: number }): Promise<{ invoices: InvoiceView[] }> {
  const config = mustBill(ctx, principal, tenantId);
  const db = ctx.db();
  const current = await getSubscription(db, tenantId);
  if (!current) return { invoices: [] };
  const stripe = await stripeClient(config);
  try {
    const page = await stripe.invoices.list({ customer: current.stripeCustomerId, limit: query.limit });
    await saveInvoices(db, tenantId, page.data.filter((i) => i.id).map(invoiceRecord));
  } catch (error) {
    // What the webhooks stored still answers.
    ctx.log.warn('invoices not listed from Stripe; answering the stored ones', { error: String(error) });
  }
  return { invoices: (await listInvoices(db, tenantId, query.limit)).map(viewInvoice) };
}
