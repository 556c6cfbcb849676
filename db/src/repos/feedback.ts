import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { feedback, type Feedback, type NewFeedback } from '../schema/index.ts';

export type FeedbackEntry = Omit<NewFeedback, 'id' | 'tenantId' | 'createdAt'>;

/** Stores one `/feedback` form under its tenant. */
export function recordFeedback(db: Db, tenantId: string, entry: FeedbackEntry): Promise<Feedback> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.insert(feedback).values({ ...entry, tenantId }).returning();
    return row!;
  });
}
