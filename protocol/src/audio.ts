import * as v from 'valibot';
import { IdSchema } from './fields.ts';
import { MAX_TEXT_LENGTH } from './limits.ts';

/**
 * Where a session's audio flows. `discord`: the node logs in with the tenant's bot
 * (token decrypted by the edge for this assignment only) and joins the voice
 * channel. `websocket`: a browser (the dashboard's "talk to this NPC") or a test
 * connects to the node's audio endpoint and presents `token`.
 */
export const AudioAssignmentSchema = v.variant('transport', [
  v.object({ transport: v.literal('discord'), bot_token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(MAX_TEXT_LENGTH)) }),
  v.object({ transport: v.literal('websocket'), token: IdSchema }),
]);
export type AudioAssignment = v.InferOutput<typeof AudioAssignmentSchema>;
export type AudioTransportKind = AudioAssignment['transport'];
/** The transports, as the variant above defines them. */
export const AUDIO_TRANSPORTS: AudioTransportKind[] = AudioAssignmentSchema.options.map((option) => option.entries.transport.literal);

/**
 * Stage timings of one NPC turn, in milliseconds from the moment the VAD knew the
 * player's speech had ended (after its end-of-speech silence).
 */
export const TurnTimingsSchema = v.object({
  stt_final_ms: v.pipe(v.number(), v.minValue(0)),
  llm_first_token_ms: v.pipe(v.number(), v.minValue(0)),
  tts_first_byte_ms: v.pipe(v.number(), v.minValue(0)),
  /** The first NPC audio frame sent. */
  first_audio_ms: v.pipe(v.number(), v.minValue(0)),
});
export type TurnTimings = v.InferOutput<typeof TurnTimingsSchema>;
