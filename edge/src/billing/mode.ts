import type { BillingMode } from '@glyphoxa/db';
import type { Bindings } from '../env.ts';

/**
 * Whether this deployment bills through Stripe. `BILLING` says so explicitly; unset, billing is
 * on exactly when a Stripe key is configured, so a self-hosted install (and `npm start`) runs
 * unlimited without setting anything.
 */
export function billingMode(env: Pick<Bindings, 'BILLING' | 'STRIPE_SECRET_KEY'>): BillingMode {
  const mode = env.BILLING ?? (env.STRIPE_SECRET_KEY ? 'enabled' : 'disabled');
  if (mode !== 'enabled' && mode !== 'disabled') throw new Error(`BILLING must be "enabled" or "disabled", not "${mode}"`);
  if (mode === 'enabled' && !env.STRIPE_SECRET_KEY) throw new Error('BILLING=enabled needs STRIPE_SECRET_KEY');
  return mode;
}
