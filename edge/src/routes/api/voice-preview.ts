import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { rateLimit, VOICE_PREVIEW_RATE_LIMIT } from '../../middleware/rate-limit.ts';
import { httpContext } from '../../operations/context.ts';
import { previewVoice } from '../../operations/voice-preview.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answersFile, input } from './contract.ts';
import { VoicePreviewBodySchema } from './voice-preview-schemas.ts';

/** A voice heard before it is given to an NPC, over operations/voice-preview.ts; each costs a TTS call, so it has a limit of its own. */
export function voicePreviewRoutes() {
  return new Hono<AppEnv>().post(
    '/tenants/:id/voice-preview',
    answersFile('Speak a short line in a voice, as a session of this tenant would (its TTS, or espeak-ng): a WAV', 'audio/wav'),
    rateLimit(VOICE_PREVIEW_RATE_LIMIT),
    input('param', TenantParamsSchema),
    input('json', VoicePreviewBodySchema),
    async (c) => {
      const audio = await previewVoice(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('json'));
      return c.body(audio.wav, 200, { 'content-type': 'audio/wav', 'cache-control': 'no-store', 'x-voice-duration-ms': String(audio.durationMs), 'x-voice-spoken-by': audio.spokenBy });
    },
  );
}
