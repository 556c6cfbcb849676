import { getVoiceSample, listVoiceSamples } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewVoiceSample } from '../views/voice-sample.ts';
import { signedMediaUrl } from '../voice-samples/signed-url.ts';
import { beginCloning, deleteVoiceSample, uploadVoiceSample } from '../voice-samples/voice-samples.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/** A tenant's voice samples (voice-samples/: storage, cloning, signed URLs), for the people who give NPCs voices. */

const deps = (ctx: OperationContext) => ({ env: ctx.env, db: ctx.db() });
const notFound = (id: string) => new ApiError(404, 'voice_sample_not_found', `No voice sample ${id}`, 'sample_id');

export async function listSamples(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'voice_samples.manage', tenantId);
  return (await listVoiceSamples(ctx.db(), tenantId)).map((s) => viewVoiceSample(s));
}

/** The sample with a signed URL at `origin` for listening to it (an hour). */
export async function getSample(ctx: OperationContext, principal: Principal, tenantId: string, id: string, origin: string) {
  authorize(principal, 'voice_samples.manage', tenantId, () => notFound(id));
  const sample = await getVoiceSample(ctx.db(), tenantId, id);
  if (!sample) throw notFound(id);
  return viewVoiceSample(sample, await signedMediaUrl(ctx.env, origin, sample.fileKey));
}

/** Stores the recording and, when the tenant's TTS can clone (ElevenLabs), starts cloning it: the answer is then `processing`. */
export async function uploadSample(ctx: OperationContext, principal: Principal, tenantId: string, upload: { name: string; bytes: Uint8Array }) {
  authorize(principal, 'voice_samples.manage', tenantId);
  const stored = await uploadVoiceSample(deps(ctx), tenantId, upload);
  const cloning = await beginCloning(deps(ctx), tenantId, stored.id);
  if (cloning) ctx.waitUntil(cloning.done);
  const view = viewVoiceSample(cloning?.sample ?? stored);
  await audit(ctx, principal, { tenantId, action: 'voice_sample.upload', target: stored.id, detail: { format: stored.format, duration_ms: stored.durationMs, cloning: cloning !== null }, after: view });
  return view;
}

/** Deletes the sample, its audio and the voice cloned from it (voice-samples.ts: nothing is deleted if the vendor cannot delete the voice). */
export async function deleteSample(ctx: OperationContext, principal: Principal, tenantId: string, id: string) {
  authorize(principal, 'voice_samples.manage', tenantId, () => notFound(id));
  const before = await getVoiceSample(ctx.db(), tenantId, id);
  if (!before) throw notFound(id);
  await deleteVoiceSample(deps(ctx), tenantId, id);
  await audit(ctx, principal, { tenantId, action: 'voice_sample.delete', target: id, before: viewVoiceSample(before) });
  return { deleted: id };
}
