import { recordAudit } from '@glyphoxa/db';
import type { OperationContext } from './operations/context.ts';
import { actorOf, type Principal } from './principal.ts';

export interface AuditEntry {
  tenantId: string | null;
  action: string;
  target: string;
  /** Names fields and counts, never their values: values may be secrets. */
  detail?: Record<string, unknown>;
  /** The resource before and after, already redacted (views never carry secrets). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Writes one change to the audit trail, naming the principal who made it. */
export function audit(ctx: OperationContext, principal: Principal, entry: AuditEntry): Promise<void> {
  return recordAudit(ctx.db(), {
    tenantId: entry.tenantId,
    actor: actorOf(principal),
    action: entry.action,
    target: entry.target,
    detail: entry.detail ?? {},
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: ctx.ip,
  });
}
