import { beforeAll, describe, expect, it } from 'vitest';
import { billingOf, stripeState, subscribe } from '../helpers/billing.ts';
import { api, endedSession, memberOf, signIn, superAdmin, type Person } from '../helpers/web-api.ts';

// The first request loads the Worker, which takes seconds: in the hook's time, not a test's.
let first: Person;
beforeAll(async () => {
  first = await signIn();
});

describe('billing API', () => {
  it('shows a new team on apprentice with the plans to choose from, and no subscription', async () => {
    const billing = await billingOf(first);
    expect(billing.status).toBe(200);
    expect(billing.body.subscription).toBeNull();
    expect(billing.body.limits).toMatchObject({ plan: 'apprentice', monthly_sessions: 2, npcs: 2, seats: 1, overridden: [] });
    expect(billing.body.plans.map((p: any) => [p.tier, p.price_cents.month])).toEqual([
      ['apprentice', 0],
      ['adventurer', 900],
      ['dungeon_master', 1900],
      ['guild', 2900],
    ]);
  });

  it("counts what the team holds against each limit this month, as the limits count it", async () => {
    const owner = await signIn();
    expect((await billingOf(owner)).body.usage).toEqual({ monthly_sessions: 0, monthly_session_hours: 0, max_concurrent_sessions: 0, npcs: 0, seats: 1 });
    const campaign = (await api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns`, { name: 'Lost Mine' })).body.campaign.id;
    const voice = { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB' };
    expect((await api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns/${campaign}/npcs`, { name: 'Grimjaw', voice })).status).toBe(201);
    await subscribe(owner, 'guild');
    // A pending invite takes a seat as a member does.
    expect((await api(owner.token, 'POST', `/tenants/${owner.tenant}/users`, { email: `p-${crypto.randomUUID().slice(0, 8)}@example.test`, role: 'dm' })).status).toBe(201);
    await endedSession(owner.tenant, campaign, 1);
    expect((await billingOf(owner)).body.usage).toMatchObject({ monthly_sessions: 1, max_concurrent_sessions: 0, npcs: 1, seats: 2 });
  });

  it('opens a Stripe Checkout for a first plan, and the paid checkout makes it the plan in force', async () => {
    const owner = await signIn();
    const { subscriptionId } = await subscribe(owner, 'dungeon_master', 'year');
    const { calls } = await stripeState();
    const checkout = calls.find((c) => c.path === '/v1/checkout/sessions' && c.params.client_reference_id === owner.tenant)!;
    expect(checkout.params).toMatchObject({ mode: 'subscription', line_items: [{ price: 'price_dungeon_master_year', quantity: '1' }], subscription_data: { metadata: { tenant_id: owner.tenant } } });
    expect(checkout.params.success_url).toBe(`http://edge.test/teams/${owner.tenant}/settings/billing?checkout=complete`);
    const billing = await billingOf(owner);
    expect(billing.body.subscription).toMatchObject({ tier: 'dungeon_master', interval: 'year', status: 'active', cancel_at_period_end: false, past_due_since: null });
    expect(Date.parse(billing.body.subscription.current_period_end)).toBeGreaterThan(Date.now() + 300 * 24 * 3600_000);
    expect(billing.body.limits).toMatchObject({ plan: 'dungeon_master', monthly_sessions: null, max_concurrent_sessions: 3, seats: 2 });
    expect((await stripeState()).subscriptions.find((s) => s.id === subscriptionId).customer).toBe(checkout.params.customer);
  });

  it('changes an existing subscription with proration instead of a second checkout', async () => {
    const owner = await signIn();
    const { subscriptionId } = await subscribe(owner, 'adventurer');
    const changed = await api(owner.token, 'POST', `/billing/subscription?tenant_id=${owner.tenant}`, { tier: 'guild', interval: 'month' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ action: 'changed', subscription: { tier: 'guild', interval: 'month', status: 'active' } });
    const { calls, prorations } = await stripeState();
    const update = calls.find((c) => c.method === 'POST' && c.path === `/v1/subscriptions/${subscriptionId}`)!;
    expect(update.params).toMatchObject({ proration_behavior: 'create_prorations', items: [{ price: 'price_guild_month' }] });
    const proration = prorations.find((p) => p.subscription === subscriptionId);
    expect(proration).toMatchObject({ from: 'price_adventurer_month', to: 'price_guild_month', behavior: 'create_prorations' });
    expect(proration.amount).toBeGreaterThan(1900);
    expect((await billingOf(owner)).body.limits).toMatchObject({ plan: 'guild', seats: 5 });
    const again = await api(owner.token, 'POST', `/billing/subscription?tenant_id=${owner.tenant}`, { tier: 'guild', interval: 'month' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'already_on_plan', field: 'tier' } } });
  });

  it("opens the billing portal for the team's customer, and lists its invoices with their hosted links", async () => {
    const owner = await signIn();
    const before = await api(owner.token, 'POST', `/billing/portal?tenant_id=${owner.tenant}`, {});
    expect(before).toMatchObject({ status: 409, body: { error: { code: 'no_billing_account' } } });
    expect((await api(owner.token, 'GET', `/billing/invoices?tenant_id=${owner.tenant}`)).body).toEqual({ invoices: [] });
    await subscribe(owner, 'adventurer');
    const portal = await api(owner.token, 'POST', `/billing/portal?tenant_id=${owner.tenant}`, { return_path: `/teams/${owner.tenant}/settings` });
    expect(portal.status).toBe(200);
    const page = await fetch(portal.body.url);
    expect(await page.text()).toContain(`http://edge.test/teams/${owner.tenant}/settings`);
    const invoices = await api(owner.token, 'GET', `/billing/invoices?tenant_id=${owner.tenant}`);
    expect(invoices.status).toBe(200);
    expect(invoices.body.invoices).toHaveLength(1);
    expect(invoices.body.invoices[0]).toMatchObject({ status: 'paid', amount_due_cents: 900, amount_paid_cents: 900, currency: 'usd' });
    expect(invoices.body.invoices[0].hosted_invoice_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/i\/in_/);
  });

  it('is for owners and super admins only; other teams do not see it', async () => {
    const owner = await signIn();
    const dm = await memberOf(owner.tenant, 'dm');
    const viewer = await memberOf(owner.tenant, 'viewer');
    const stranger = await signIn();
    for (const person of [dm, viewer]) {
      expect((await api(person.token, 'GET', `/billing/subscription?tenant_id=${owner.tenant}`)).body.error.code).toBe('forbidden');
      expect((await api(person.token, 'POST', `/billing/subscription?tenant_id=${owner.tenant}`, { tier: 'guild', interval: 'month' })).status).toBe(403);
    }
    expect((await api(stranger.token, 'GET', `/billing/invoices?tenant_id=${owner.tenant}`)).status).toBe(404);
    expect((await api((await superAdmin()).token, 'GET', `/billing/subscription?tenant_id=${owner.tenant}`)).status).toBe(200);
  });

  it('refuses a free or unknown plan, and a bad interval, naming the field', async () => {
    const owner = await signIn();
    for (const [body, field] of [
      [{ tier: 'apprentice', interval: 'month' }, 'tier'],
      [{ tier: 'guild', interval: 'week' }, 'interval'],
      [{ tier: 'guild', interval: 'month', return_path: 'https://evil.example/' }, 'return_path'],
    ] as const) {
      const res = await api(owner.token, 'POST', `/billing/subscription?tenant_id=${owner.tenant}`, body);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field } } });
    }
    expect((await api(owner.token, 'GET', '/billing/subscription')).body.error.field).toBe('tenant_id');
  });
});
