import { asOperator } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { auditLog, type NewAuditEntry } from '../schema/index.ts';

/** Appends to the audit trail (as the operator: entries may name no tenant). */
export function recordAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  return asOperator(db, async (tx) => {
    await tx.insert(auditLog).values(entry);
  });
}
