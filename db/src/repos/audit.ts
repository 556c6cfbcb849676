import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { asOperator, withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { auditLog, type AuditEntry, type NewAuditEntry } from '../schema/index.ts';

/** Appends to the audit trail (as the operator: entries may name no tenant). */
export function recordAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  return asOperator(db, async (tx) => {
    await tx.insert(auditLog).values(entry);
  });
}

export interface AuditFilter {
  /** One tenant's trail (inside its scope); null: every tenant's and the platform's, as the operator. */
  tenantId: string | null;
  actor?: string;
  action?: string;
  target?: string;
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
  /** The page after this entry: newest first. */
  before?: number;
  limit: number;
}

/** The trail, newest first, filtered and paged by id. */
export function listAudit(db: Db, filter: AuditFilter): Promise<AuditEntry[]> {
  const conditions: Array<SQL | undefined> = [
    filter.tenantId === null ? undefined : eq(auditLog.tenantId, filter.tenantId),
    filter.actor === undefined ? undefined : eq(auditLog.actor, filter.actor),
    filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
    filter.target === undefined ? undefined : eq(auditLog.target, filter.target),
    filter.from === undefined ? undefined : gte(auditLog.at, filter.from),
    filter.to === undefined ? undefined : lt(auditLog.at, filter.to),
    filter.before === undefined ? undefined : lt(auditLog.id, filter.before),
  ];
  const read = (tx: Parameters<Parameters<typeof asOperator>[1]>[0]) =>
    tx.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(filter.limit);
  return filter.tenantId === null ? asOperator(db, read) : withTenant(db, filter.tenantId, read);
}
