import type { VoiceSample } from '@glyphoxa/db';

/** A voice sample on the wire; its audio is reached through a signed URL (`signedMediaUrl`), never its storage key. */
export function viewVoiceSample(s: VoiceSample, audio?: { url: string; expires_at: string }) {
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
