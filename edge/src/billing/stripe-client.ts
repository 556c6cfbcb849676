import Stripe from 'stripe';
import type { StripeConfig } from './stripe-config.ts';

/**
 * The official SDK over the Worker's fetch, at the configured API host (tests: a stand-in).
 * Network retries carry the SDK's idempotency keys, so a retried create makes one object.
 */
export function stripeClient(config: StripeConfig): Stripe {
  const base = config.apiBase;
  return new Stripe(config.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'http:' ? 'http' : 'https',
    }),
  });
}

/** Verifies webhook signatures with Web Crypto (the Worker has no Node crypto). */
export const webhookCrypto = Stripe.createSubtleCryptoProvider();
