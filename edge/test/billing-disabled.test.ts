import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, signIn, type Person } from './helpers/web-api.ts';

// This suite runs as a self-hosted install: no Stripe key, so billing is disabled.
let owner: Person;
beforeAll(async () => {
  owner = await signIn();
});

describe('billing on an installation that does not bill', () => {
  it('answers every billing route 404 billing_disabled, and leaves the team unlimited', async () => {
    const q = `?tenant_id=${owner.tenant}`;
    for (const [method, path, body] of [
      ['GET', `/billing/subscription${q}`],
      ['POST', `/billing/subscription${q}`, { tier: 'guild', interval: 'month' }],
      ['POST', `/billing/portal${q}`, {}],
      ['GET', `/billing/invoices${q}`],
    ] as const) {
      const res = await api(owner.token, method, path, body);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('billing_disabled');
    }
    const webhook = await exports.default.fetch('http://edge.test/api/v1/billing/webhook', { method: 'POST', headers: { 'stripe-signature': 't=1,v1=x' }, body: '{}' });
    expect(webhook.status).toBe(404);
    expect(((await webhook.json()) as any).error.code).toBe('billing_disabled');
    const tenant = await api(owner.token, 'GET', `/tenants/${owner.tenant}`);
    expect(tenant.body.tenant.limits).toMatchObject({ plan: null, monthly_sessions: null, npcs: null, seats: null });
  });
});
