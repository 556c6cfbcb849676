import { env, exports } from 'cloudflare:workers';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { api, type Person } from './web-api.ts';

/** Billing's test helpers, inside workerd: the Stripe stand-in (test/stripe/stand-in.ts) is reached at `STRIPE_API_BASE`. */

export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  data: { object: Record<string, any> };
}

const subtle = Stripe.createSubtleCryptoProvider();
const sdk = new Stripe(env.STRIPE_SECRET_KEY!, { httpClient: Stripe.createFetchHttpClient() });

/** A step the customer takes on Stripe's side (`checkout/<id>/complete`, `subscriptions/<id>/fail-payment`, …): the events Stripe sends for it. */
export async function onStripe(step: string, body: Record<string, string> = {}): Promise<StripeEvent[]> {
  const res = await fetch(`${env.STRIPE_API_BASE}/__stand-in/${step}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { events: StripeEvent[] }).events;
}

/** What the stand-in holds and was asked. */
export async function stripeState(): Promise<{ calls: Array<{ method: string; path: string; params: any }>; prorations: any[]; subscriptions: any[]; customers: any[] }> {
  return (await (await fetch(`${env.STRIPE_API_BASE}/__stand-in/state`)).json()) as any;
}

/** Delivers an event to the webhook as Stripe does, signed with the SDK's own test-header helper (or with another secret or time). */
export async function deliver(event: StripeEvent, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
  const payload = JSON.stringify(event);
  const signature = options.signature ?? (await sdk.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? env.STRIPE_WEBHOOK_SECRET!, timestamp: options.timestamp, cryptoProvider: subtle }));
  const res = await exports.default.fetch('http://edge.test/api/v1/billing/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  return { status: res.status, body: (await res.json()) as any };
}

/** Delivers each event in order, each answered 200. */
export async function deliverAll(events: StripeEvent[]): Promise<void> {
  for (const event of events) expect((await deliver(event)).status).toBe(200);
}

export const billingOf = (person: Person) => api(person.token, 'GET', `/billing/subscription?tenant_id=${person.tenant}`);

/** The owner picks a paid plan and pays its checkout: answers the subscription id and the events delivered. */
export async function subscribe(owner: Person, tier: string, interval = 'month') {
  const chosen = await api(owner.token, 'POST', `/billing/subscription?tenant_id=${owner.tenant}`, { tier, interval });
  expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
  expect(chosen.body.action).toBe('checkout');
  const sessionId = new URL(chosen.body.checkout_url).pathname.split('/').at(-1)!;
  const events = await onStripe(`checkout/${sessionId}/complete`);
  await deliverAll(events);
  const subscriptionId = events.find((e) => e.type === 'checkout.session.completed')!.data.object.subscription as string;
  return { subscriptionId, events };
}
