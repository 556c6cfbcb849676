import type Stripe from 'stripe';
import type { StripeConfig } from './stripe-config.ts';

/**
 * The official SDK over the Worker's fetch, at the configured API host (tests: a stand-in).
 * Loaded on first use: a Worker that does not bill (or a request that is not about billing)
 * does not pay for evaluating it. Network retries carry the SDK's idempotency keys, so a
 * retried create makes one object.
 */
export async function stripeClient(config: StripeConfig): Promise<Stripe> {
  const { default: StripeSdk } = await import('stripe');
  const base = config.apiBase;
  return new StripeSdk(config.secretKey, {
    httpClient: StripeSdk.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'http:' ? 'http' : 'https',
    }),
  });
}

/** Verifies a webhook's signature over its raw body with Web Crypto (the Worker has no Node crypto); the event, or the SDK's error. */
export async function verifiedEvent(config: StripeConfig, body: string, signature: string): Promise<Stripe.Event> {
  const { default: StripeSdk } = await import('stripe');
  return (await stripeClient(config)).webhooks.constructEventAsync(body, signature, config.webhookSecret, undefined, StripeSdk.createSubtleCryptoProvider());
}
