import { queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's voice samples, read through the typed client (edge/src/routes/api/voice-samples.ts). */

const samples = api.tenants[':id']['voice-samples'];
export type VoiceSample = InferResponseType<typeof samples.$get, 200>['voice_samples'][number];

export const voiceSampleKeys = { list: (tenantId: string) => ['tenants', tenantId, 'voice-samples'] as const };

/** Polled every 2 s while a clone is under way, so its outcome shows without a reload. */
export const voiceSamplesQuery = (tenantId: string) =>
  queryOptions({
    queryKey: voiceSampleKeys.list(tenantId),
    queryFn: async () => (await (await samples.$get({ param: { id: tenantId } })).json()).voice_samples,
    refetchInterval: (query) => (query.state.data?.some((s) => s.status === 'processing') ? 2_000 : false),
  });

/** A signed URL that plays the sample for an hour. */
export async function sampleAudioUrl(tenantId: string, sampleId: string): Promise<string> {
  const { voice_sample } = await (await samples[':sampleId'].$get({ param: { id: tenantId, sampleId } })).json();
  if (!voice_sample.audio) throw new Error('The sample has no audio to play');
  return voice_sample.audio.url;
}

export async function deleteVoiceSample(tenantId: string, sampleId: string): Promise<void> {
  await samples[':sampleId'].$delete({ param: { id: tenantId, sampleId } });
}
