import * as v from 'valibot';
import {
  CountSchema,
  ErrorBodySchema,
  IdSchema,
  SessionEndReasonSchema,
  SessionIdSchema,
  TextSchema,
} from './fields.ts';
import { TurnTimingsSchema } from './audio.ts';
import { MAX_ID_LENGTH, MAX_LIST_LENGTH, MAX_TRANSCRIPT_ENTRIES, MAX_USAGE_PER_MESSAGE } from './limits.ts';

/** Messages a voice node sends to the edge. */

/** First message on every connection; the edge answers `welcome` (or `error` and closes). */
export const HelloSchema = v.object({
  type: v.literal('hello'),
  node_id: IdSchema,
  /** The node's software version, for the fleet view and rollouts. */
  version: IdSchema,
  /** The node's PROTOCOL_VERSION. */
  protocol: v.pipe(v.number(), v.integer(), v.minValue(1)),
  capacity: CountSchema,
  region: IdSchema,
  /** Base URL of the node's audio endpoint (`<audio_url>/<session_id>`), for `websocket` sessions. */
  audio_url: v.optional(v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH * 4), v.url())),
});
export type Hello = v.InferOutput<typeof HelloSchema>;

/** Every `heartbeat_interval_ms`; lists the sessions the node is running right now. */
export const HeartbeatSchema = v.object({
  type: v.literal('heartbeat'),
  sessions: v.pipe(v.array(SessionIdSchema), v.maxLength(MAX_LIST_LENGTH)),
  load: v.optional(CountSchema),
});
export type Heartbeat = v.InferOutput<typeof HeartbeatSchema>;

export const SessionStateSchema = v.object({
  type: v.literal('session_state'),
  session_id: SessionIdSchema,
  state: v.picklist(['active', 'ended']),
  /** Why an `ended` session ended. */
  reason: v.optional(SessionEndReasonSchema),
  detail: v.optional(TextSchema),
});
export type SessionState = v.InferOutput<typeof SessionStateSchema>;

/**
 * A tool an NPC called mid-turn and what came back: a tool event, not speech. The DM's
 * transcript shows it; recaps, NPC memory and knowledge proposals leave it out.
 */
export const TranscriptToolSchema = v.object({
  name: IdSchema,
  /** The call's arguments, as JSON. */
  arguments: TextSchema,
  /** The tool's answer as the model read it (cut to fit). */
  result: TextSchema,
  /** The tool refused or failed; `result` says why. */
  error: v.boolean(),
});
export type TranscriptTool = v.InferOutput<typeof TranscriptToolSchema>;

export const TranscriptEntrySchema = v.object({
  speaker_id: IdSchema,
  speaker_name: IdSchema,
  /** True when the line was spoken by an NPC rather than a player. */
  npc: v.optional(v.boolean()),
  text: TextSchema,
  at: v.pipe(v.string(), v.isoTimestamp()),
  /** Set on a tool event (the NPC's, so `npc` is true); `text` then sums it up in a line. */
  tool: v.optional(TranscriptToolSchema),
});
export type TranscriptEntry = v.InferOutput<typeof TranscriptEntrySchema>;

/**
 * A batch of transcript lines (at most MAX_TRANSCRIPT_BATCH_BYTES as a message). `seq` numbers
 * a session's batches, so an `error` refusing one can name it and the node sends it again.
 */
export const TranscriptSchema = v.object({
  type: v.literal('transcript'),
  session_id: SessionIdSchema,
  seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  entries: v.pipe(v.array(TranscriptEntrySchema), v.minLength(1), v.maxLength(MAX_TRANSCRIPT_ENTRIES)),
});
export type Transcript = v.InferOutput<typeof TranscriptSchema>;

/**
 * Usage accrued since the previous `usage` message of the same session (deltas,
 * so the edge just adds them). `seq` rises by one per message and session, so a
 * message resent after a reconnect is recognised and dropped.
 */
export const UsageSchema = v.object({
  type: v.literal('usage'),
  session_id: SessionIdSchema,
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  llm_tokens: v.pipe(CountSchema, v.maxValue(MAX_USAGE_PER_MESSAGE.llm_tokens)),
  stt_seconds: v.pipe(v.number(), v.minValue(0), v.maxValue(MAX_USAGE_PER_MESSAGE.stt_seconds)),
  tts_chars: v.pipe(CountSchema, v.maxValue(MAX_USAGE_PER_MESSAGE.tts_chars)),
  /** NPC tool calls run; left out when none (and by nodes older than the count). */
  tool_calls: v.optional(v.pipe(CountSchema, v.maxValue(MAX_USAGE_PER_MESSAGE.tool_calls))),
});
export type Usage = v.InferOutput<typeof UsageSchema>;

/** How long one NPC turn took, stage by stage (also in the node's own log). */
export const TurnSchema = v.object({
  type: v.literal('turn'),
  session_id: SessionIdSchema,
  npc: IdSchema,
  timings: TurnTimingsSchema,
  /** The answer was started on the partial transcript, before the final was in. */
  prepared_early: v.optional(v.boolean()),
});
export type Turn = v.InferOutput<typeof TurnSchema>;

/** The part of a reply that says how the request went, without the envelope. */
export const ReplySuccessSchema = v.object({ ok: v.literal(true), data: v.optional(v.unknown()) });
export const ReplyFailureSchema = v.object({ ok: v.literal(false), error: ErrorBodySchema });
export type ReplyOutcome = v.InferOutput<typeof ReplySuccessSchema> | v.InferOutput<typeof ReplyFailureSchema>;

const replyEnvelope = { type: v.literal('reply'), request_id: IdSchema };

/** The answer to an edge request that carried `request_id` (today: `npc_command`). */
export const ReplySchema = v.variant('ok', [
  v.object({ ...replyEnvelope, ...ReplySuccessSchema.entries }),
  v.object({ ...replyEnvelope, ...ReplyFailureSchema.entries }),
]);
export type Reply = v.InferOutput<typeof ReplySchema>;

export const NodeMessageSchema = v.variant('type', [
  HelloSchema,
  HeartbeatSchema,
  SessionStateSchema,
  TranscriptSchema,
  UsageSchema,
  TurnSchema,
  ReplySchema,
]);
export type NodeMessage = v.InferOutput<typeof NodeMessageSchema>;
export type NodeMessageType = NodeMessage['type'];
