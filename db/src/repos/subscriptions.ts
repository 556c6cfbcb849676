import { eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { subscriptions, type Subscription } from '../schema/index.ts';

/** The tenant's subscription as Stripe last said it is; null when it never subscribed. */
export function getSubscription(db: Db, tenantId: string): Promise<Subscription | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
    return row ?? null;
  });
}
