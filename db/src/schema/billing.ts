import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants, tier } from './tenants.ts';

export const billingInterval = pgEnum('billing_interval', ['month', 'year']);
/** Stripe's subscription statuses, as Stripe names them. */
export const subscriptionStatus = pgEnum('subscription_status', [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);
/** Stripe's invoice statuses. */
export const invoiceStatus = pgEnum('invoice_status', ['draft', 'open', 'paid', 'uncollectible', 'void']);

/** A tenant's Stripe customer and its one subscription, as Stripe last said it is. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    tenantId: text('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    /** Null until a checkout completes. */
    stripeSubscriptionId: text('stripe_subscription_id'),
    tier: tier('tier').notNull(),
    interval: billingInterval('interval').notNull(),
    status: subscriptionStatus('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    /** Canceled in the billing portal: the plan holds until `current_period_end`, then the subscription ends. */
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** When a payment first failed in the current run of failures; the grace period counts from it. */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subscriptions_stripe_customer_unique').on(t.stripeCustomerId),
    uniqueIndex('subscriptions_stripe_subscription_unique').on(t.stripeSubscriptionId),
    ...tenantPolicies('subscriptions', 'tenant_id'),
  ],
);

/** Stripe invoices of a tenant, kept for the dashboard's list (with their hosted links). */
export const invoices = pgTable(
  'invoices',
  {
    /** Stripe's invoice id (`in_…`). */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    status: invoiceStatus('status').notNull(),
    amountDueCents: integer('amount_due_cents').notNull(),
    amountPaidCents: integer('amount_paid_cents').notNull(),
    currency: text('currency').notNull(),
    hostedInvoiceUrl: text('hosted_invoice_url'),
    /** When Stripe created the invoice. */
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The dashboard lists a tenant's invoices newest first.
    index('invoices_tenant_issued').on(t.tenantId, t.issuedAt),
    check('invoices_amounts_nonnegative', sql`${t.amountDueCents} >= 0 and ${t.amountPaidCents} >= 0`),
    ...tenantPolicies('invoices', 'tenant_id'),
  ],
);

/** Webhook events already processed: the primary key makes each Stripe event id count once, races included. */
export const billingEvents = pgTable(
  'billing_events',
  {
    /** Stripe's event id (`evt_…`). */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [...tenantPolicies('billing_events', 'tenant_id')],
);

export type Subscription = typeof subscriptions.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type SubscriptionStatus = (typeof subscriptionStatus.enumValues)[number];
export type BillingInterval = (typeof billingInterval.enumValues)[number];
