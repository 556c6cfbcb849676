import * as v from 'valibot';
import { SessionEndReasonSchema } from './fields.ts';
import { TranscriptEntrySchema } from './node-messages.ts';

/** Messages the edge pushes to a live transcript's listeners (the dashboard), one JSON text frame each. */

/** The subprotocol a live transcript socket speaks; the edge's answer picks it (edge/src/auth/websocket-bearer.ts). */
export const LIVE_SUBPROTOCOL = 'glyphoxa.live';

/** A line as it was stored, in the order the node reported it. */
export const LiveTranscriptLineSchema = v.object({
  type: v.literal('line'),
  ...TranscriptEntrySchema.entries,
  npc: v.boolean(),
});
export type LiveTranscriptLine = v.InferOutput<typeof LiveTranscriptLineSchema>;

/** The session is over; the edge closes the socket after this. */
export const LiveTranscriptEndedSchema = v.object({
  type: v.literal('ended'),
  reason: SessionEndReasonSchema,
});
export type LiveTranscriptEnded = v.InferOutput<typeof LiveTranscriptEndedSchema>;

export const LiveTranscriptMessageSchema = v.variant('type', [LiveTranscriptLineSchema, LiveTranscriptEndedSchema]);
export type LiveTranscriptMessage = v.InferOutput<typeof LiveTranscriptMessageSchema>;
