import * as v from 'valibot';
import { IdSchema, TextSchema } from './fields.ts';
import { TranscriptEntrySchema } from './node-messages.ts';

/**
 * The text messages of a voice node's WebSocket audio endpoint (docs/AUDIO_WEBSOCKET.md),
 * shared by the node, its test client and the dashboard. Binary messages are single Opus frames.
 */

/** The client's first message: which session token it holds and who is talking. */
export const AudioJoinMessageSchema = v.object({
  type: v.literal('join'),
  token: IdSchema,
  speaker_id: IdSchema,
  speaker_name: v.optional(IdSchema),
});
export type AudioJoinMessage = v.InferOutput<typeof AudioJoinMessageSchema>;

/** After the join: a line the speaker typed instead of saying, heard as a finished turn. */
export const AudioClientMessageSchema = v.variant('type', [v.object({ type: v.literal('text'), text: v.pipe(TextSchema, v.trim(), v.nonEmpty()) })]);
export type AudioClientMessage = v.InferOutput<typeof AudioClientMessageSchema>;

/** What the node sends as text. */
export const AudioServerEventSchema = v.variant('type', [
  /** The join was accepted: binary frames may flow both ways from here. */
  v.object({ type: v.literal('joined'), session_id: IdSchema, speaker_id: IdSchema }),
  /** An NPC's audio started or stopped going out. */
  v.object({ type: v.literal('speaking'), npc: IdSchema, speaking: v.boolean() }),
  /** A line of the session's transcript, as it goes to the edge: what a player said, what an NPC answered. */
  v.object({ type: v.literal('transcript'), entry: TranscriptEntrySchema }),
]);
export type AudioServerEvent = v.InferOutput<typeof AudioServerEventSchema>;

/** Close codes the node uses (4xxx mirror the HTTP status they resemble). */
export const AUDIO_CLOSE = {
  /** Leave or shutdown: the session's audio ended. */
  sessionEnded: 1001,
  /** Not a valid join message, or binary data before joining. */
  badMessage: 4400,
  badToken: 4401,
  unknownSession: 4404,
  /** No join message in time. */
  joinTimeout: 4408,
  /** The same speaker joined again on another connection, which replaces this one. */
  replaced: 4409,
} as const;

/** Largest message the endpoint accepts: an Opus packet is at most 3828 bytes, a join far less. */
export const MAX_AUDIO_MESSAGE_BYTES = 16 * 1024;

/** One text message of the audio socket read with `schema`; undefined when it is not JSON or not valid. */
export function readAudioSocketText<S extends v.GenericSchema>(schema: S, text: string): v.InferOutput<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(schema, json);
  return parsed.success ? parsed.output : undefined;
}
