import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { deleteSample, getSample, listSamples, uploadSample } from '../../operations/voice-samples.ts';
import { readBody } from '../../validation.ts';
import { SAMPLE_LIMITS } from '../../voice-samples/probe.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import { DeletedVoiceSampleAnswer, UploadVoiceSampleQuerySchema, VoiceSampleAnswer, VoiceSampleParamsSchema, VoiceSamplesAnswer } from './voice-sample-schemas.ts';

/** The recording goes up as the body itself (a File from the dashboard), so it is read once and bounded before it is read. */
const RECORDING_BODY = {
  required: true,
  description: `A WAV or MP3 recording, 1 to 10 s, at most ${SAMPLE_LIMITS.maxBytes} bytes; its format is read from the bytes, not the declared type`,
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;

/** A tenant's voice samples, over operations/voice-samples.ts. */
export function voiceSampleRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/voice-samples', answers("List the tenant's voice samples, newest first", 200, VoiceSamplesAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ voice_samples: await listSamples(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .post(
      '/tenants/:id/voice-samples',
      answers('Upload a voice sample (cloned at once when the tenant\'s TTS is ElevenLabs)', 201, VoiceSampleAnswer, { requestBody: RECORDING_BODY }),
      input('param', TenantParamsSchema),
      input('query', UploadVoiceSampleQuerySchema),
      async (c) => {
        const bytes = new Uint8Array(await readBody(c, SAMPLE_LIMITS.maxBytes));
        const sample = await uploadSample(httpContext(c), c.var.principal, c.req.valid('param').id, { name: c.req.valid('query').name, bytes });
        return c.json({ voice_sample: sample }, 201);
      },
    )
    .get('/tenants/:id/voice-samples/:sampleId', answers('Read a voice sample, with a signed URL to listen to it (an hour)', 200, VoiceSampleAnswer), input('param', VoiceSampleParamsSchema), async (c) => {
      const { id, sampleId } = c.req.valid('param');
      return c.json({ voice_sample: await getSample(httpContext(c), c.var.principal, id, sampleId, new URL(c.req.url).origin) });
    })
    .delete('/tenants/:id/voice-samples/:sampleId', answers('Delete a voice sample, its audio and the voice cloned from it', 200, DeletedVoiceSampleAnswer), input('param', VoiceSampleParamsSchema), async (c) => {
      const { id, sampleId } = c.req.valid('param');
      return c.json(await deleteSample(httpContext(c), c.var.principal, id, sampleId));
    });
}
