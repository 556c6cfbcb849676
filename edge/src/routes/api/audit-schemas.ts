import * as v from 'valibot';
import { AuditEntryViewSchema } from '../../views/audit-entry.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** `GET /api/v1/audit`'s query and answer. */

const Instant = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp such as 2026-01-31T18:00:00Z'), v.transform((t) => new Date(t)));
const Text = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

export const AuditQuerySchema = v.strictObject({
  /** Whose trail: an owner names their tenant; a super admin may leave it out for every tenant's. */
  tenant_id: v.optional(TenantIdSchema),
  /** Who: as recorded, `user:<id>`, `api_key:<id>`, `admin`, `discord:<member>`, `node:<id>`. */
  actor: v.optional(Text),
  action: v.optional(Text),
  /** The resource's id. */
  target: v.optional(Text),
  /** At or after. */
  from: v.optional(Instant),
  /** Before. */
  to: v.optional(Instant),
  /** The page after this entry: the previous answer's `next_before`. */
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be an entry id'), v.toNumber())),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)), '50'),
});
export type AuditQuery = v.InferOutput<typeof AuditQuerySchema>;

export const AuditPageAnswer = v.object({ entries: v.array(AuditEntryViewSchema), next_before: v.nullable(v.number()) });
