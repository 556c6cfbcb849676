import { env } from 'cloudflare:workers';
import { billingEvents, createDb, subscriptions } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { billingOf, deliver, deliverAll, onStripe, subscribe } from '../helpers/billing.ts';
import { signIn } from '../helpers/web-api.ts';

const DAY = 24 * 3600;

/** What Postgres holds for the tenant: its subscription row and how many events it processed. */
async function stored(tenantId: string) {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    const [row] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
    const events = await db.select().from(billingEvents).where(eq(billingEvents.tenantId, tenantId));
    return { row, events: events.length };
  } finally {
    await close();
  }
}

// The first request loads the Worker, which takes seconds: in the hook's time, not a test's.
beforeAll(async () => {
  await signIn();
});

describe('the Stripe webhook', () => {
  it('refuses a bad, foreign or stale signature with 400, and nothing changes', async () => {
    const me = await signIn();
    const chosen = await subscribe(me, 'adventurer');
    const [failed] = await onStripe(`subscriptions/${chosen.subscriptionId}/fail-payment`);
    const before = await stored(me.tenant);
    for (const options of [{ secret: 'whsec_someone_else' }, { timestamp: Math.floor(Date.now() / 1000) - 600 }, { signature: 't=1,v1=deadbeef' }, { signature: '' }]) {
      const res = await deliver(failed!, options);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_signature');
    }
    expect(await stored(me.tenant)).toEqual(before);
    expect((await billingOf(me)).body.subscription.status).toBe('active');
  });

  it('processes an event once: a redelivery answers 200 and changes nothing', async () => {
    const me = await signIn();
    const { events } = await subscribe(me, 'adventurer');
    const counted = (await stored(me.tenant)).events;
    for (const event of events.filter((e) => e.type !== 'customer.subscription.created')) {
      const again = await deliver(event);
      expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    }
    expect((await stored(me.tenant)).events).toBe(counted);
  });

  it('processes an event once when two deliveries of it race', async () => {
    const me = await signIn();
    const { subscriptionId } = await subscribe(me, 'adventurer');
    const [failed] = await onStripe(`subscriptions/${subscriptionId}/fail-payment`);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => deliver(failed!)));
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(outcomes.filter((o) => o.body.outcome === 'processed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.body.outcome === 'duplicate')).toHaveLength(5);
    expect((await stored(me.tenant)).row!.status).toBe('past_due');
  });

  it("answers events it does not act on, and a stranger's, with 200 and stores nothing", async () => {
    const me = await signIn();
    const { events } = await subscribe(me, 'adventurer');
    const created = events.find((e) => e.type === 'customer.subscription.created')!;
    expect((await deliver(created)).body.outcome).toBe('ignored');
    const stranger = { ...events[0]!, id: `evt_stranger_${crypto.randomUUID()}`, data: { object: { ...events[0]!.data.object, customer: 'cus_nobody' } } };
    expect((await deliver(stranger)).body.outcome).toBe('ignored');
  });

  it('invoice.payment_failed: past due keeps the plan for a 7-day grace; invoice.paid ends it', async () => {
    const me = await signIn();
    const { subscriptionId } = await subscribe(me, 'dungeon_master');
    const failedAt = Math.floor(Date.now() / 1000) - DAY;
    const failure = await onStripe(`subscriptions/${subscriptionId}/fail-payment`, { at: String(failedAt) });
    await deliverAll(failure);
    const pastDue = (await billingOf(me)).body;
    expect(pastDue.subscription).toMatchObject({ status: 'past_due', past_due_since: new Date(failedAt * 1000).toISOString() });
    expect(pastDue.limits).toMatchObject({ plan: 'dungeon_master', grace_ends_at: new Date((failedAt + 7 * DAY) * 1000).toISOString() });
    const invoice = failure.find((e) => e.type === 'invoice.payment_failed')!.data.object.id;
    await deliverAll(await onStripe(`invoices/${invoice}/pay`));
    const paid = (await billingOf(me)).body;
    expect(paid.subscription).toMatchObject({ status: 'active', past_due_since: null });
    expect(paid.limits).toMatchObject({ plan: 'dungeon_master', grace_ends_at: null });
  });

  it('falls to apprentice limits once the grace period has ended, by the clock', async () => {
    const me = await signIn();
    const { subscriptionId } = await subscribe(me, 'guild');
    // Stripe recorded the failure eight days ago; the webhook only now gets through.
    await deliverAll(await onStripe(`subscriptions/${subscriptionId}/fail-payment`, { at: String(Math.floor(Date.now() / 1000) - 8 * DAY) }));
    const lapsed = (await billingOf(me)).body;
    expect(lapsed.subscription.status).toBe('past_due');
    expect(lapsed.limits).toMatchObject({ plan: 'apprentice', seats: 1, npcs: 2, grace_ends_at: null });
  });

  it('customer.subscription.updated and .deleted: the plan follows the subscription, apprentice once it ends', async () => {
    const me = await signIn();
    const { subscriptionId } = await subscribe(me, 'adventurer');
    await deliverAll(await onStripe(`subscriptions/${subscriptionId}/cancel`));
    const ended = (await billingOf(me)).body;
    expect(ended.subscription).toMatchObject({ tier: 'adventurer', status: 'canceled' });
    expect(ended.limits.plan).toBe('apprentice');
  });

  it('reads state from Stripe, not from the order events arrive in', async () => {
    const me = await signIn();
    const { subscriptionId } = await subscribe(me, 'adventurer');
    const failure = await onStripe(`subscriptions/${subscriptionId}/fail-payment`);
    const invoice = failure.find((e) => e.type === 'invoice.payment_failed')!.data.object.id;
    const recovery = await onStripe(`invoices/${invoice}/pay`);
    // The recovery arrives first, the failure after it: the subscription is active all the same.
    await deliverAll(recovery);
    await deliverAll(failure);
    const after = (await billingOf(me)).body;
    expect(after.subscription).toMatchObject({ status: 'active', past_due_since: null });
    expect(after.limits.plan).toBe('adventurer');
    // A cancellation delivered before the stale "past due" update still leaves it canceled.
    const cancel = await onStripe(`subscriptions/${subscriptionId}/cancel`);
    await deliverAll(cancel);
    const stale = { ...failure.find((e) => e.type === 'customer.subscription.updated')!, id: `evt_late_${crypto.randomUUID()}` };
    await deliverAll([stale]);
    expect((await billingOf(me)).body.subscription.status).toBe('canceled');
  });

  it('a checkout after a canceled subscription starts a new one on the same customer', async () => {
    const me = await signIn();
    const first = await subscribe(me, 'adventurer');
    await deliverAll(await onStripe(`subscriptions/${first.subscriptionId}/cancel`));
    const second = await subscribe(me, 'guild', 'year');
    expect(second.subscriptionId).not.toBe(first.subscriptionId);
    expect((await stored(me.tenant)).row).toMatchObject({ stripeSubscriptionId: second.subscriptionId, tier: 'guild', interval: 'year', status: 'active' });
    // The old subscription's late news does not override the new one.
    await deliverAll(await onStripe(`subscriptions/${first.subscriptionId}/cancel`));
    expect((await stored(me.tenant)).row!.stripeSubscriptionId).toBe(second.subscriptionId);
  });
});
