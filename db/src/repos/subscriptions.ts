import { desc, eq, sql } from 'drizzle-orm';
import { asOperator, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { billingEvents, invoices, subscriptions, type BillingInterval, type Invoice, type Subscription, type SubscriptionStatus, type Tier } from '../schema/index.ts';

/** The tenant's subscription as Stripe last said it is; null when it never subscribed. */
export function getSubscription(db: Db, tenantId: string): Promise<Subscription | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
    return row ?? null;
  });
}

/** The tenant a Stripe customer belongs to (webhooks arrive naming only the customer); null for a stranger. */
export function tenantOfCustomer(db: Db, stripeCustomerId: string): Promise<string | null> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.select({ tenantId: subscriptions.tenantId }).from(subscriptions).where(eq(subscriptions.stripeCustomerId, stripeCustomerId));
    return row?.tenantId ?? null;
  });
}

/**
 * Records the tenant's new Stripe customer, before its first checkout: no Stripe subscription
 * yet, so its limits stay the operator's tier (plan-limits.ts). A row already there wins (two
 * checkouts started at once keep the first customer); answers the row in force.
 */
export function saveCustomer(db: Db, tenantId: string, stripeCustomerId: string, plan: { tier: Tier; interval: BillingInterval }): Promise<Subscription> {
  return withTenant(db, tenantId, async (tx) => {
    await tx
      .insert(subscriptions)
      .values({ tenantId, stripeCustomerId, tier: plan.tier, interval: plan.interval, status: 'incomplete' })
      .onConflictDoNothing({ target: subscriptions.tenantId });
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
    return row!;
  });
}

/** A subscription's state as read from Stripe. */
export interface SubscriptionState {
  stripeSubscriptionId: string;
  tier: Tier;
  interval: BillingInterval;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/**
 * Runs `apply` once per Stripe event id: the id is inserted first, in the same transaction,
 * so a second delivery of the event (even one racing this one) finds it and does nothing.
 * False when the event was processed already. The tenant's subscription row is locked for
 * `apply`, so two events of one tenant write one after the other.
 */
export function onceForEvent(db: Db, tenantId: string, event: { id: string; type: string }, apply: (tx: Tx, current: Subscription | null) => Promise<void>): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    const inserted = await tx.insert(billingEvents).values({ id: event.id, tenantId, type: event.type }).onConflictDoNothing().returning({ id: billingEvents.id });
    if (inserted.length === 0) return false;
    const [current] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).for('update');
    await apply(tx, current ?? null);
    return true;
  });
}

/**
 * Writes the subscription as Stripe says it is now. `pastDueSince` keeps the first failure of a
 * run of them (the grace period counts from it) and is cleared once the subscription is not past due.
 */
export async function writeSubscriptionState(tx: Tx, tenantId: string, state: SubscriptionState, pastDueSince: Date | null): Promise<Subscription> {
  const [row] = await tx
    .update(subscriptions)
    .set({ ...state, pastDueSince: state.status === 'past_due' ? pastDueSince : null, updatedAt: new Date() })
    .where(eq(subscriptions.tenantId, tenantId))
    .returning();
  return row!;
}

/** A subscription changed here (a plan change the API made) rather than by a webhook. */
export function saveSubscriptionState(db: Db, tenantId: string, state: SubscriptionState): Promise<Subscription> {
  return withTenant(db, tenantId, async (tx) => {
    const [current] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).for('update');
    return writeSubscriptionState(tx, tenantId, state, current?.pastDueSince ?? (state.status === 'past_due' ? new Date() : null));
  });
}

export type InvoiceRecord = Omit<Invoice, 'tenantId' | 'updatedAt'>;

/** Stores invoices as Stripe says they are now, inside the caller's transaction (a later word on one replaces the earlier). */
export async function upsertInvoices(tx: Tx, tenantId: string, rows: InvoiceRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(invoices)
    .values(rows.map((r) => ({ ...r, tenantId })))
    .onConflictDoUpdate({
      target: invoices.id,
      set: {
        status: sql`excluded.status`,
        amountDueCents: sql`excluded.amount_due_cents`,
        amountPaidCents: sql`excluded.amount_paid_cents`,
        hostedInvoiceUrl: sql`excluded.hosted_invoice_url`,
        updatedAt: new Date(),
      },
    });
}

/** `upsertInvoices` in a transaction of its own (the invoice list read from Stripe). */
export function saveInvoices(db: Db, tenantId: string, rows: InvoiceRecord[]): Promise<void> {
  return withTenant(db, tenantId, (tx) => upsertInvoices(tx, tenantId, rows));
}

/** The tenant's invoices, newest first. */
export function listInvoices(db: Db, tenantId: string, limit: number): Promise<Invoice[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(invoices).where(eq(invoices.tenantId, tenantId)).orderBy(desc(invoices.issuedAt)).limit(limit));
}
