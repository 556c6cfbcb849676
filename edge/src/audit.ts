import { recordAudit, type Db } from '@glyphoxa/db';

/**
 * Writes an operator's mutation to the audit trail. `detail` names fields,
 * never their values: values may be secrets.
 */
export function auditAdmin(db: Db, entry: { tenantId?: string | null; action: string; target: string; detail?: Record<string, unknown> }) {
  return recordAudit(db, { tenantId: entry.tenantId ?? null, actor: 'admin', action: entry.action, target: entry.target, detail: entry.detail ?? {} });
}
