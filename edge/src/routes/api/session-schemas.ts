import { sessionState } from '@glyphoxa/db';
import * as v from 'valibot';
import { RecapViewSchema } from '../../views/recap.ts';
import { SessionViewSchema, TranscriptLineViewSchema } from '../../views/session.ts';
import { StartSessionSchema, TenantIdSchema } from '../admin-schemas.ts';

/** The /api/v1 session routes' queries and answers. */

const Uuid = (what: string) => v.pipe(v.string(), v.uuid(`must be ${what} id (a uuid)`));
const Limit = (fallback: string) => v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), fallback);
const Instant = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp such as 2026-01-31T18:00:00Z'), v.transform((t) => new Date(t)));

export const SessionParamsSchema = v.object({ id: TenantIdSchema, sessionId: Uuid('a session') });

export const SessionListQuerySchema = v.strictObject({
  campaign_id: v.optional(Uuid('a campaign')),
  state: v.optional(v.picklist(sessionState.enumValues)),
  /** Started at or after. */
  from: v.optional(Instant),
  /** Started before. */
  to: v.optional(Instant),
  /** The page after this session: the previous answer's `next_before`. */
  before: v.optional(Uuid('a session')),
  limit: Limit('50'),
});

export const TranscriptQuerySchema = v.strictObject({
  /** The page after this line: the previous answer's `next_after`. */
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a line id'), v.toNumber())),
  limit: Limit('200'),
});

export const SessionsPageAnswer = v.object({ sessions: v.array(SessionViewSchema), next_before: v.nullable(v.string()) });
export const SessionsAnswer = v.object({ sessions: v.array(SessionViewSchema) });
export const SessionAnswer = v.object({ session: SessionViewSchema });
export const RecapAnswer = v.object({ recap: RecapViewSchema });
export const TranscriptAnswer = v.object({ lines: v.array(TranscriptLineViewSchema), next_after: v.nullable(v.number()) });

/**
 * POST /tenants/:id/sessions: the admin API's start without `started_by`, which is the caller. A
 * browser session (`websocket`) needs no Discord server: without `guild_id` and `channel_id` it is
 * a browser table of its own (`browserTable` in operations/sessions.ts); a Discord one needs both.
 */
export const WebStartSessionSchema = v.pipe(
  v.strictObject({ ...v.omit(StartSessionSchema, ['started_by']).entries, guild_id: v.optional(StartSessionSchema.entries.guild_id), channel_id: v.optional(StartSessionSchema.entries.channel_id) }),
  v.forward(
    v.check((body) => body.transport === 'websocket' || body.guild_id !== undefined, "is required for a session in Discord: pick the bot's server, or start the session in the browser (transport websocket)"),
    ['guild_id'],
  ),
  v.forward(
    v.check((body) => body.guild_id === undefined || body.channel_id !== undefined, 'is required with guild_id: pick a voice channel of that server'),
    ['channel_id'],
  ),
);
