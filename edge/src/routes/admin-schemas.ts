import { licenseTier, providerRole, RESERVED_TENANT_IDS, sessionState, TENANT_ID_PATTERN, tier } from '@glyphoxa/db';
import { AUDIO_TRANSPORTS, MAX_ID_LENGTH } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { NODE_ID_PATTERN } from '../auth/node-token.ts';

/** Wire schemas of the admin API's bodies and queries. Unknown fields are refused, by name. */

const Snowflake = v.pipe(v.string(), v.regex(/^\d{15,21}$/, 'must be a Discord id (digits)'));

export const TenantIdSchema = v.pipe(
  v.string(),
  v.regex(TENANT_ID_PATTERN, 'must be 2-63 characters: lowercase letters, digits and dashes, starting with a letter'),
  v.check((id) => !(RESERVED_TENANT_IDS as readonly string[]).includes(id), 'is reserved'),
);

/** `/tenants/:id/…` */
export const TenantParamsSchema = v.object({ id: TenantIdSchema });

/** `/sessions/:id/…` */
export const SessionParamsSchema = v.object({ id: v.pipe(v.string(), v.uuid('must be a session id (a uuid)')) });

/** `/nodes/:id/…` */
export const NodeParamsSchema = v.object({ id: v.pipe(v.string(), v.regex(NODE_ID_PATTERN, 'must be a node id (node-…)')) });

const tenantFields = {
  license_tier: v.optional(v.picklist(licenseTier.enumValues)),
  tier: v.optional(v.picklist(tier.enumValues)),
  bot_token: v.optional(v.nullable(v.pipe(v.string(), v.minLength(20), v.maxLength(200), v.regex(/^[\w.-]+$/, 'must be a Discord bot token')))),
  discord_application_id: v.optional(v.nullable(Snowflake)),
  // Lowercased, so one key cannot be held twice in two spellings.
  discord_public_key: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters'), v.toLowerCase()))),
  guild_ids: v.optional(v.pipe(v.array(Snowflake), v.maxLength(100))),
  dm_role_id: v.optional(v.nullable(Snowflake)),
  campaign_id: v.optional(v.nullable(v.pipe(v.string(), v.uuid()))),
  monthly_session_hours: v.optional(v.nullable(v.pipe(v.number('must be a number of hours'), v.minValue(0, 'must be from 0 to 744 (every hour of a month)'), v.maxValue(744, 'must be from 0 to 744 (every hour of a month)')))),
  max_concurrent_sessions: v.optional(
    v.nullable(v.pipe(v.number('must be a number of sessions'), v.integer('must be a whole number'), v.minValue(1, 'must be from 1 to 100'), v.maxValue(100, 'must be from 1 to 100'))),
  ),
};

export const CreateTenantSchema = v.strictObject({ id: TenantIdSchema, ...tenantFields });
export const UpdateTenantSchema = v.strictObject(tenantFields);
export type TenantFields = v.InferOutput<typeof UpdateTenantSchema>;

/** Whether `YYYY-MM-DD` names a real day (the runtime refuses 02-31 as an invalid date, some would roll it over). */
function isCalendarDay(day: string): boolean {
  const at = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(day);
}

/** A month (`YYYY-MM`) or, for days, a day (`YYYY-MM-DD`) of the calendar. */
const MonthOrDay = v.pipe(
  v.string(),
  v.regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'must be a month as YYYY-MM or a day as YYYY-MM-DD'),
  v.check((t) => t.length === 7 || isCalendarDay(t), 'is not a day of that month'),
);
const USAGE_GRANULARITIES = ['month', 'day'] as const;
type UsageQueryFields = { granularity: (typeof USAGE_GRANULARITIES)[number]; from?: string; to?: string };
const monthUnlessDays = (field: 'from' | 'to') =>
  v.forward<UsageQueryFields, v.CheckIssue<UsageQueryFields>, ['from'] | ['to']>(
    v.check((q) => q.granularity === 'day' || (q[field]?.length ?? 7) === 7, 'must be a month as YYYY-MM (days need granularity=day)'),
    [field] as ['from'] | ['to'],
  );
/** Months by default; `granularity=day` answers each day, a month standing for all its days. */
export const UsageQuerySchema = v.pipe(
  v.object({ granularity: v.optional(v.picklist(USAGE_GRANULARITIES), 'month'), from: v.optional(MonthOrDay), to: v.optional(MonthOrDay) }),
  monthUnlessDays('from'),
  monthUnlessDays('to'),
);

export const PageQuerySchema = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '50'),
  after: v.optional(v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH))),
});

export const CreateNodeSchema = v.strictObject({ pool: v.union([v.literal('shared'), v.pipe(v.string(), v.regex(TENANT_ID_PATTERN, 'must be "shared" or a tenant id'))]) });

export const StartSessionSchema = v.strictObject({
  guild_id: Snowflake,
  channel_id: Snowflake,
  campaign_id: v.optional(v.nullable(v.pipe(v.string(), v.uuid()))),
  started_by: Snowflake,
  /** Default: `discord` when the tenant has a bot token, else `websocket` (the browser). */
  transport: v.optional(v.picklist(AUDIO_TRANSPORTS)),
});

/** `?wait=active`: answer once the node runs the session (at most MAX_WAIT_ACTIVE_MS). */
export const StartSessionQuerySchema = v.object({
  wait: v.optional(v.picklist(['active'])),
});

export const SessionStateQuerySchema = v.object({
  state: v.optional(v.picklist(sessionState.enumValues)),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
});

const NpcName = v.pipe(v.string(), v.nonEmpty(), v.maxLength(128));
export const NpcCommandBodySchema = v.variant('action', [
  v.strictObject({ action: v.picklist(['list', 'muteall', 'unmuteall']) }),
  v.strictObject({ action: v.picklist(['mute', 'unmute']), name: NpcName }),
  v.strictObject({ action: v.literal('speak'), name: NpcName, text: v.pipe(v.string(), v.nonEmpty(), v.maxLength(2000)) }),
]);

/** `/tenants/:id/providers/:role` */
export const ProviderParamsSchema = v.object({
  id: TenantIdSchema,
  role: v.picklist(providerRole.enumValues, `must be one of ${providerRole.enumValues.join(', ')}`),
});

