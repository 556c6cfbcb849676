import type { AuditEntry } from '@glyphoxa/db';
import * as v from 'valibot';
import { redacted } from '../audit.ts';
import { PRINCIPAL_KINDS, type Principal } from '../principal.ts';

const Record = v.nullable(v.record(v.string(), v.unknown()));

/** One change in the audit trail as owners and super admins read it (the schema the OpenAPI document shows). */
export const AuditEntryViewSchema = v.object({
  id: v.number(),
  at: v.string(),
  tenant_id: v.nullable(v.string()),
  /** Who did it: `actor` as recorded (`user:<id>`, `api_key:<id>`, `admin`, …) and read apart. */
  actor: v.string(),
  principal: v.object({ kind: v.picklist(PRINCIPAL_KINDS), id: v.string() }),
  action: v.string(),
  resource: v.nullable(v.string()),
  detail: Record,
  before: Record,
  after: Record,
  ip: v.nullable(v.string()),
});
export type AuditEntryView = v.InferOutput<typeof AuditEntryViewSchema>;

export function viewAuditEntry(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    tenant_id: entry.tenantId,
    actor: entry.actor,
    principal: principalOf(entry.actor),
    action: entry.action,
    resource: entry.target,
    // Rows written before redaction on the way in are redacted on the way out.
    detail: entry.detail ? redacted(entry.detail) : null,
    before: entry.before ? redacted(entry.before) : null,
    after: entry.after ? redacted(entry.after) : null,
    ip: entry.ip,
  };
}

/** `actorOf`'s naming read back: `<kind>:<id>`, or `admin`. */
function principalOf(actor: string): { kind: Principal['kind']; id: string } {
  const split = actor.indexOf(':');
  const kind = split < 0 ? actor : actor.slice(0, split);
  return { kind: (PRINCIPAL_KINDS as readonly string[]).includes(kind) ? (kind as Principal['kind']) : 'admin', id: split < 0 ? actor : actor.slice(split + 1) };
}
