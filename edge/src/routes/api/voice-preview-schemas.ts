import { MAX_PREVIEW_TEXT_LENGTH, VoiceSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';

/** POST /tenants/:id/voice-preview: the voice as an NPC holds it, and the line to speak (a greeting by default). */
export const VoicePreviewBodySchema = v.strictObject({
  voice: v.strictObject(VoiceSchema.entries),
  text: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_PREVIEW_TEXT_LENGTH, `must be at most ${MAX_PREVIEW_TEXT_LENGTH} characters`))),
});
