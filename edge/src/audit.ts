import { recordAudit } from '@glyphoxa/db';
import { redactSecrets } from '@glyphoxa/protocol';
import type { OperationContext } from './operations/context.ts';
import { actorOf, type Principal } from './principal.ts';

export interface AuditEntry {
  tenantId: string | null;
  action: string;
  target: string;
  /** Names fields and counts, never their values: values may be secrets. */
  detail?: Record<string, unknown>;
  /** The resource before and after, as views show it; a secret-named text in it (a session's audio token) is redacted on the way in. */
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
    detail: redacted(entry.detail ?? {}),
    before: entry.before ? redacted(entry.before) : null,
    after: entry.after ? redacted(entry.after) : null,
    ip: ctx.ip,
  });
}

/**
 * The record with every text under a secret-looking name (the logger's rule: token, secret,
 * key, …) replaced by `[redacted]`, at any depth; flags such as `has_bot_token` stay.
 */
export function redacted(record: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(record, (key, value: unknown) => (typeof value === 'string' ? redactSecrets(key, value) : value))) as Record<string, unknown>;
}
