import { voiceSampleFormat, voiceSampleStatus, type VoiceSample } from '@glyphoxa/db';
import * as v from 'valibot';

const SignedAudio = v.object({ url: v.string(), expires_at: v.string() });

/** A voice sample on the wire; its audio is reached through a signed URL (`signedMediaUrl`), never its storage key. */
export const VoiceSampleViewSchema = v.object({
  id: v.string(),
  name: v.string(),
  format: v.picklist(voiceSampleFormat.enumValues),
  duration_ms: v.number(),
  file_size: v.number(),
  sample_rate: v.number(),
  channels: v.number(),
  status: v.picklist(voiceSampleStatus.enumValues),
  provider_voice_id: v.nullable(v.string()),
  error: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  audio: v.optional(SignedAudio),
});
export type VoiceSampleView = v.InferOutput<typeof VoiceSampleViewSchema>;

export function viewVoiceSample(s: VoiceSample, audio?: v.InferOutput<typeof SignedAudio>): VoiceSampleView {
  return {
    id: s.id,
    name: s.name,
    format: s.format,
    duration_ms: s.durationMs,
    file_size: s.fileSize,
    sample_rate: s.sampleRate,
    channels: s.channels,
    status: s.status,
    provider_voice_id: s.providerVoiceId,
    error: s.error,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    ...(audio && { audio }),
  };
}
