import { effectiveLimits, getSubscription, type EffectiveLimits, type Tenant } from '@glyphoxa/db';
import type { OperationContext } from '../operations/context.ts';
import { billingMode } from './mode.ts';

/** The tenant's effective limits now; its subscription is read only when this deployment bills. */
export async function tenantLimits(ctx: OperationContext, tenant: Tenant): Promise<EffectiveLimits> {
  const billing = billingMode(ctx.env);
  const subscription = billing === 'enabled' ? await getSubscription(ctx.db(), tenant.id) : null;
  return effectiveLimits({ tenant, subscription, billing, now: Date.now() });
}
