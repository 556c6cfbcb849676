import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import type Stripe from 'stripe';
import { billingMode } from '../billing/mode.ts';
import { stripeClient, webhookCrypto } from '../billing/stripe-client.ts';
import { stripeConfig } from '../billing/stripe-config.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { handleStripeEvent } from '../operations/billing-webhook.ts';
import { httpContext } from '../operations/context.ts';
import { readBody } from '../validation.ts';

/** Stripe's events are small; a body past this is not one. */
const MAX_EVENT_BYTES = 256 * 1024;

const WebhookAnswer = v.object({ received: v.literal(true), outcome: v.picklist(['processed', 'duplicate', 'ignored']) });
const ErrorAnswer = v.object({ error: v.object({ code: v.string(), message: v.string() }) });

/** In the OpenAPI document with Stripe's signature, not a bearer, as its authorization. */
const documented = describeRoute({
  summary: "Stripe's webhook: a signed event (Stripe-Signature header), processed once per event id",
  security: [],
  parameters: [{ name: 'stripe-signature', in: 'header', required: true, schema: { type: 'string' } }],
  requestBody: { content: { 'application/json': { schema: { type: 'object', description: 'A Stripe event' } } } },
  responses: {
    200: { description: 'Received (processed now, processed before, or not acted on)', content: { 'application/json': { schema: resolver(WebhookAnswer) } } },
    default: { description: '400 bad_signature, 404 billing_disabled', content: { 'application/json': { schema: resolver(ErrorAnswer) } } },
  },
});

/**
 * Stripe's webhook: the signature over the raw body is the authorization (no bearer). A bad or
 * stale one (Stripe's five-minute tolerance) is a 400 and changes nothing. 200 tells Stripe to
 * stop delivering; an error makes it retry, so a Stripe read that failed is tried again later.
 */
export const stripeWebhookRoutes = () =>
  new Hono<AppEnv>().post('/billing/webhook', documented, async (c) => {
    if (billingMode(c.env) === 'disabled') throw new ApiError(404, 'billing_disabled', 'Billing is disabled on this installation.');
    const config = stripeConfig(c.env);
    const signature = c.req.header('stripe-signature');
    if (!signature) throw new ApiError(400, 'bad_signature', 'The Stripe-Signature header is missing.');
    const body = new TextDecoder().decode(await readBody(c, MAX_EVENT_BYTES));
    let event: Stripe.Event;
    try {
      event = await stripeClient(config).webhooks.constructEventAsync(body, signature, config.webhookSecret, undefined, webhookCrypto);
    } catch (error) {
      throw new ApiError(400, 'bad_signature', `The Stripe signature did not verify: ${error instanceof Error ? error.message : String(error)}`);
    }
    return c.json({ received: true, outcome: await handleStripeEvent(httpContext(c), config, event) });
  });
