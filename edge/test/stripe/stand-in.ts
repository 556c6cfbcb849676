/**
 * A local stand-in for the Stripe API: a real HTTP server speaking what the official SDK sends
 * (form-encoded bodies, bearer secret key, idempotency keys) and answering in Stripe's object
 * shapes: customers, checkout.sessions, billing_portal.sessions, subscriptions (retrieve, and
 * update with proration), invoices (list, retrieve). What a customer does on Stripe's own pages
 * (pay a checkout, a renewal failing, cancelling) is steered under `/__stand-in/…`, each step
 * answering the events Stripe would send for it; with `webhookUrl` it also delivers them, signed,
 * as Stripe does (the browser tests' Worker). Its hosted pages (checkout, portal) are plain forms.
 */
import { randomBytes } from 'node:crypto';
import { PLANS } from '@glyphoxa/db';
import Stripe from 'stripe';
import { type RecordedRequest, StandIn, VendorError } from '../../../providers/test/stand-ins/server.ts';
import { decodeForm, type FormValue } from './form.ts';

export const STRIPE_TEST_SECRET_KEY = 'sk_test_glyphoxa_stand_in';
export const STRIPE_TEST_WEBHOOK_SECRET = 'whsec_glyphoxa_stand_in';
/** The stand-in's prices: `price_<tier>_<interval>`, at the catalogue's amounts. */
export const STRIPE_TEST_PRICES = Object.fromEntries(
  PLANS.filter((p) => p.tier !== 'apprentice').map((p) => [p.tier, { month: `price_${p.tier}_month`, year: `price_${p.tier}_year` }]),
);
const API_VERSION = '2026-11-18.endive';
const DAY = 24 * 3600;

type Obj = Record<string, any>;
export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: Obj };
  [key: string]: unknown;
}

export interface StripeStandInOptions {
  /** Deliver each event, signed, to this URL as Stripe would (otherwise the test delivers them). */
  webhookUrl?: string;
}

/** The Worker's settings for billing against a stand-in at `apiBase`. */
export function stripeBindings(apiBase: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: STRIPE_TEST_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: STRIPE_TEST_WEBHOOK_SECRET,
    STRIPE_PRICES: JSON.stringify(STRIPE_TEST_PRICES),
    STRIPE_API_BASE: apiBase,
  };
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const PRICES: Record<string, { amount: number; interval: 'month' | 'year' }> = Object.fromEntries(
  PLANS.filter((p) => p.tier !== 'apprentice').flatMap((p) =>
    (['month', 'year'] as const).map((interval) => [`price_${p.tier}_${interval}`, { amount: p.priceCents[interval], interval }]),
  ),
);

const stripeError = (status: number, message: string, param?: string) => new VendorError(status, { error: { type: 'invalid_request_error', message, ...(param && { param }) } });

/** The stand-in's objects, as Stripe would hold them for one account. */
export class StripeAccount {
  readonly customers = new Map<string, Obj>();
  readonly checkoutSessions = new Map<string, Obj>();
  readonly portalSessions = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  /** Proration line items Stripe made on plan changes (`create_prorations`: for the next invoice). */
  readonly prorations: Array<{ subscription: string; amount: number; from: string; to: string; behavior: string }> = [];
  readonly events: StripeEvent[] = [];
  /** API calls, decoded: what the SDK sent. */
  readonly calls: Array<{ method: string; path: string; params: Record<string, FormValue>; idempotencyKey?: string }> = [];
  private readonly idempotent = new Map<string, Obj>();
  origin = '';

  event(type: string, object: Obj, created = now()): StripeEvent {
    const event: StripeEvent = { id: id('evt'), object: 'event', api_version: API_VERSION, created, type, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: structuredClone(object) } };
    this.events.push(event);
    return event;
  }

  createCustomer(params: Obj): Obj {
    const customer = { id: id('cus'), object: 'customer', name: params.name ?? null, email: params.email ?? null, metadata: params.metadata ?? {}, created: now(), livemode: false };
    this.customers.set(customer.id, customer);
    return customer;
  }

  createCheckout(params: Obj): Obj {
    if (params.mode !== 'subscription') throw stripeError(400, 'Only subscription mode is supported here.', 'mode');
    if (!this.customers.has(params.customer)) throw stripeError(400, `No such customer: '${params.customer}'`, 'customer');
    const price = params.line_items?.[0]?.price;
    if (!PRICES[price]) throw stripeError(400, `No such price: '${price}'`, 'line_items[0][price]');
    for (const field of ['success_url', 'cancel_url']) if (!params[field]) throw stripeError(400, `Missing required param: ${field}.`, field);
    const session = {
      id: id('cs_test'), object: 'checkout.session', mode: 'subscription', status: 'open', payment_status: 'unpaid',
      customer: params.customer, client_reference_id: params.client_reference_id ?? null, subscription: null, invoice: null,
      line_items: { object: 'list', data: [{ price: { id: price }, quantity: Number(params.line_items[0].quantity ?? 1) }] },
      subscription_data: params.subscription_data ?? {}, metadata: params.metadata ?? {},
      success_url: params.success_url, cancel_url: params.cancel_url, created: now(), expires_at: now() + DAY, livemode: false, url: '',
    };
    session.url = `${this.origin}/c/pay/${session.id}`;
    this.checkoutSessions.set(session.id, session);
    return session;
  }

  createPortal(params: Obj): Obj {
    if (!this.customers.has(params.customer)) throw stripeError(400, `No such customer: '${params.customer}'`, 'customer');
    const session = { id: id('bps'), object: 'billing_portal.session', customer: params.customer, return_url: params.return_url ?? null, created: now(), livemode: false, url: '' };
    session.url = `${this.origin}/p/session/${session.id}`;
    this.portalSessions.set(session.id, session);
    return session;
  }

  /** The customer paid the checkout: its subscription starts, its first invoice is paid. */
  completeCheckout(sessionId: string): StripeEvent[] {
    const session = this.mustGet(this.checkoutSessions, sessionId, 'checkout session');
    if (session.status !== 'open') throw stripeError(400, `Checkout session ${sessionId} is ${session.status}.`);
    const price = session.line_items.data[0].price.id as string;
    const subscription = this.newSubscription(session.customer, price, session.subscription_data.metadata ?? {});
    const invoice = this.newInvoice(subscription, PRICES[price]!.amount, 'paid');
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: subscription.id, invoice: invoice.id });
    return [this.event('checkout.session.completed', session), this.event('customer.subscription.created', subscription), this.event('invoice.paid', invoice)];
  }

  /** A renewal's payment failed (at `at`, epoch seconds): the subscription is past due. */
  failPayment(subscriptionId: string, at = now()): StripeEvent[] {
    const subscription = this.mustGet(this.subscriptions, subscriptionId, 'subscription');
    const invoice = this.newInvoice(subscription, PRICES[subscription.items.data[0].price.id]!.amount, 'open', at);
    Object.assign(invoice, { attempt_count: 1, attempted: true, next_payment_attempt: at + 3 * DAY });
    subscription.status = 'past_due';
    subscription.latest_invoice = invoice.id;
    return [this.event('invoice.payment_failed', invoice, at), this.event('customer.subscription.updated', subscription, at)];
  }

  /** An open invoice was paid (a retry, a new card): its subscription is active again. */
  payInvoice(invoiceId: string): StripeEvent[] {
    const invoice = this.mustGet(this.invoices, invoiceId, 'invoice');
    Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due });
    const subscription = this.subscriptions.get(invoice.parent?.subscription_details?.subscription);
    const events = [this.event('invoice.paid', invoice)];
    if (subscription && subscription.status !== 'canceled') {
      subscription.status = 'active';
      events.push(this.event('customer.subscription.updated', subscription));
    }
    return events;
  }

  /** The subscription ended (canceled in the portal, or Stripe gave up on payment). */
  cancel(subscriptionId: string): StripeEvent[] {
    const subscription = this.mustGet(this.subscriptions, subscriptionId, 'subscription');
    Object.assign(subscription, { status: 'canceled', canceled_at: now(), ended_at: now() });
    return [this.event('customer.subscription.deleted', subscription)];
  }

  /** `POST /v1/subscriptions/:id`: a new price for its item, prorated as asked; cancel at period end. */
  updateSubscription(subscriptionId: string, params: Obj): Obj {
    const subscription = this.mustGet(this.subscriptions, subscriptionId, 'subscription');
    if (subscription.status === 'canceled') throw stripeError(400, 'A canceled subscription can only update its cancellation_details and metadata.');
    const change = params.items?.[0];
    if (change) {
      const item = subscription.items.data.find((i: Obj) => i.id === change.id);
      if (!item) throw stripeError(400, `Invalid subscription_item id: ${change.id}`, 'items[0][id]');
      if (!PRICES[change.price]) throw stripeError(400, `No such price: '${change.price}'`, 'items[0][price]');
      const behavior = (params.proration_behavior as string | undefined) ?? 'create_prorations';
      const remaining = Math.max(0, item.current_period_end - now()) / (item.current_period_end - item.current_period_start);
      const amount = Math.round((PRICES[change.price]!.amount - PRICES[item.price.id]!.amount) * remaining);
      if (behavior !== 'none') this.prorations.push({ subscription: subscriptionId, amount, from: item.price.id, to: change.price, behavior });
      if (behavior === 'always_invoice' && amount > 0) this.newInvoice(subscription, amount, 'paid');
      item.price = this.price(change.price);
      subscription.plan = item.price;
    }
    if (params.cancel_at_period_end !== undefined) subscription.cancel_at_period_end = params.cancel_at_period_end === 'true';
    if (params.metadata) subscription.metadata = { ...subscription.metadata, ...(params.metadata as Obj) };
    this.event('customer.subscription.updated', subscription);
    return subscription;
  }

  listInvoices(params: Obj): Obj {
    const limit = Math.min(100, Number(params.limit ?? 10));
    const all = [...this.invoices.values()].filter((i) => !params.customer || i.customer === params.customer).sort((a, b) => b.created - a.created);
    return { object: 'list', url: '/v1/invoices', has_more: all.length > limit, data: all.slice(0, limit) };
  }

  mustGet(map: Map<string, Obj>, key: string, what: string): Obj {
    const found = map.get(key);
    if (!found) throw stripeError(404, `No such ${what}: '${key}'`);
    return found;
  }

  /** A POST with an idempotency key Stripe saw before answers what it answered then. */
  once(key: string | undefined, make: () => Obj): Obj {
    if (!key) return make();
    const known = this.idempotent.get(key);
    if (known) return known;
    const made = make();
    this.idempotent.set(key, made);
    return made;
  }

  private price(priceId: string): Obj {
    const { amount, interval } = PRICES[priceId]!;
    return { id: priceId, object: 'price', active: true, currency: 'usd', unit_amount: amount, recurring: { interval, interval_count: 1 }, type: 'recurring' };
  }

  private newSubscription(customer: string, priceId: string, metadata: Obj): Obj {
    const start = now();
    const end = start + (PRICES[priceId]!.interval === 'year' ? 365 : 30) * DAY;
    const subscription = {
      id: id('sub'), object: 'subscription', customer, status: 'active', cancel_at_period_end: false, canceled_at: null, ended_at: null,
      created: start, start_date: start, metadata, latest_invoice: null as string | null, livemode: false, plan: this.price(priceId),
      items: { object: 'list', has_more: false, url: '/v1/subscription_items', data: [{ id: id('si'), object: 'subscription_item', price: this.price(priceId), quantity: 1, current_period_start: start, current_period_end: end }] },
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  private newInvoice(subscription: Obj, amount: number, status: 'open' | 'paid', created = now()): Obj {
    const invoiceId = id('in');
    const invoice = {
      id: invoiceId, object: 'invoice', customer: subscription.customer, status, currency: 'usd', amount_due: amount, amount_paid: status === 'paid' ? amount : 0,
      amount_remaining: status === 'paid' ? 0 : amount, attempt_count: status === 'paid' ? 1 : 0, attempted: true, created, livemode: false,
      hosted_invoice_url: `${this.origin}/i/${invoiceId}`, invoice_pdf: `${this.origin}/i/${invoiceId}/pdf`,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: subscription.id, metadata: subscription.metadata } },
    };
    this.invoices.set(invoiceId, invoice);
    subscription.latest_invoice = invoiceId;
    return invoice;
  }
}

const routes: Array<[method: string, path: RegExp, handle: (account: StripeAccount, match: string[], params: Obj, request: RecordedRequest) => Obj]> = [
  ['POST', /^\/v1\/customers$/, (a, _m, p, r) => a.once(r.headers['idempotency-key'], () => a.createCustomer(p))],
  ['GET', /^\/v1\/customers\/([^/]+)$/, (a, [c]) => a.mustGet(a.customers, c!, 'customer')],
  ['POST', /^\/v1\/checkout\/sessions$/, (a, _m, p, r) => a.once(r.headers['idempotency-key'], () => a.createCheckout(p))],
  ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (a, [s]) => a.mustGet(a.checkoutSessions, s!, 'checkout session')],
  ['POST', /^\/v1\/billing_portal\/sessions$/, (a, _m, p, r) => a.once(r.headers['idempotency-key'], () => a.createPortal(p))],
  ['GET', /^\/v1\/subscriptions\/([^/]+)$/, (a, [s]) => a.mustGet(a.subscriptions, s!, 'subscription')],
  ['POST', /^\/v1\/subscriptions\/([^/]+)$/, (a, [s], p, r) => a.once(r.headers['idempotency-key'], () => a.updateSubscription(s!, p))],
  ['GET', /^\/v1\/invoices$/, (a, _m, p) => a.listInvoices(p)],
  ['GET', /^\/v1\/invoices\/([^/]+)$/, (a, [i]) => a.mustGet(a.invoices, i!, 'invoice')],
  // What the customer does on Stripe's side, each answering the events it makes.
  ['POST', /^\/__stand-in\/checkout\/([^/]+)\/complete$/, (a, [s]) => ({ events: a.completeCheckout(s!) })],
  ['POST', /^\/__stand-in\/subscriptions\/([^/]+)\/fail-payment$/, (a, [s], p) => ({ events: a.failPayment(s!, p.at === undefined ? undefined : Number(p.at)) })],
  ['POST', /^\/__stand-in\/invoices\/([^/]+)\/pay$/, (a, [i]) => ({ events: a.payInvoice(i!) })],
  ['POST', /^\/__stand-in\/subscriptions\/([^/]+)\/cancel$/, (a, [s]) => ({ events: a.cancel(s!) })],
  ['GET', /^\/__stand-in\/state$/, (a) => ({ calls: a.calls, prorations: a.prorations, events: a.events, subscriptions: [...a.subscriptions.values()], customers: [...a.customers.values()] })],
];

/** The stand-in's hosted pages: the checkout a customer pays on and the portal, as plain HTML forms. */
function page(account: StripeAccount, request: RecordedRequest, deliver: (events: StripeEvent[]) => Promise<void>): Promise<string> | string | null {
  const checkout = /^\/c\/pay\/([^/]+)$/.exec(request.path);
  if (checkout) {
    const session = account.mustGet(account.checkoutSessions, checkout[1]!, 'checkout session');
    if (request.method === 'POST') {
      const events = account.completeCheckout(session.id);
      return deliver(events).then(() => html('Payment complete', `<p>Thank you.</p><meta http-equiv="refresh" content="0;url=${escape(session.success_url)}">`));
    }
    const price = PRICES[session.line_items.data[0].price.id]!;
    return html('Pay', `<p>Subscribe for $${(price.amount / 100).toFixed(2)} a ${price.interval}.</p><form method="post"><button>Pay</button></form><a href="${escape(session.cancel_url)}">Back</a>`);
  }
  const portal = /^\/p\/session\/([^/]+)$/.exec(request.path);
  if (portal) {
    const session = account.mustGet(account.portalSessions, portal[1]!, 'portal session');
    const live = [...account.subscriptions.values()].find((s) => s.customer === session.customer && s.status !== 'canceled');
    if (request.method === 'POST' && live) return deliver(account.cancel(live.id)).then(() => html('Canceled', `<p>Your plan was canceled.</p><a href="${escape(session.return_url)}">Return</a>`));
    return html('Billing', `${live ? '<form method="post"><button>Cancel plan</button></form>' : '<p>No plan.</p>'}<a href="${escape(session.return_url)}">Return</a>`);
  }
  return null;
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (title: string, body: string) => `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

/** Signs an event as Stripe does (the SDK's own test-header helper). */
export function signedEvent(event: StripeEvent, secret = STRIPE_TEST_WEBHOOK_SECRET, timestamp?: number): { body: string; signature: string } {
  const body = JSON.stringify(event);
  return { body, signature: new Stripe(STRIPE_TEST_SECRET_KEY).webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
}

export interface StripeStandIn {
  /** The API base the Worker's `STRIPE_API_BASE` is set to. */
  url: string;
  account: StripeAccount;
  standIn: StandIn;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (any free port). */
export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const account = new StripeAccount();
  const deliver = async (events: StripeEvent[]) => {
    if (!options.webhookUrl) return;
    for (const event of events) {
      const { body, signature } = signedEvent(event);
      await fetch(options.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    }
  };
  const standIn = await StandIn.start(
    {
      keyOf: (request) => request.headers.authorization?.replace(/^Bearer /, ''),
      errorBody: (status, message) => ({ error: { type: status === 401 ? 'invalid_request_error' : 'api_error', message } }),
      async handle(request) {
        const shown = page(account, request, deliver);
        if (shown !== null) return { chunks: [await shown], contentType: 'text/html; charset=utf-8' };
        const text = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '';
        const params = request.method === 'GET' ? decodeForm(new URLSearchParams(request.query).toString()) : decodeForm(text);
        if (request.path.startsWith('/v1/')) {
          if (request.headers.authorization !== `Bearer ${STRIPE_TEST_SECRET_KEY}`) throw new VendorError(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
          account.calls.push({ method: request.method, path: request.path, params, idempotencyKey: request.headers['idempotency-key'] });
        }
        for (const [method, path, handle] of routes) {
          const match = request.method === method ? path.exec(request.path) : null;
          if (match) return { json: handle(account, match.slice(1), params as Obj, request) };
        }
        throw stripeError(404, `Unrecognized request URL (${request.method}: ${request.path}).`);
      },
    },
    {},
  );
  account.origin = standIn.origin;
  return { url: standIn.origin, account, standIn, close: () => standIn.close() };
}
