import { deleteVoiceSample as deleteRow, getVoiceSample, insertVoiceSample, updateVoiceSample, type Database, type VoiceSample, type VoiceSampleFormat } from '@glyphoxa/db';
import { ProviderError } from '@glyphoxa/providers/voice-clone';
import type { Bindings } from '../env.ts';
import { ApiError } from '../errors.ts';
import { tenantVoiceCloner } from './cloning.ts';
import { probeSample } from './probe.ts';

export interface VoiceSampleDeps {
  env: Pick<Bindings, 'SECRET_KEYS' | 'VOICE_SAMPLES'>;
  db: Database;
}

const CONTENT_TYPES: Record<VoiceSampleFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/** A clone still `processing` after this long was cut off (its Worker went away): it may be started again. */
const STALE_PROCESSING_MS = 5 * 60_000;

/** Where a sample's audio lives in R2: under its tenant, so keys never cross tenants. */
export const sampleKey = (tenantId: string, id: string, format: VoiceSampleFormat) => `voice-samples/${tenantId}/${id}.${format}`;

const notFound = (id: string) => new ApiError(404, 'voice_sample_not_found', `No voice sample ${id}`);

/**
 * Stores an upload: its format and duration read from the bytes (refused, naming why,
 * when it is no WAV or MP3 or breaks a limit), the audio in R2, the row `uploaded`.
 */
export async function uploadVoiceSample(deps: VoiceSampleDeps, tenantId: string, upload: { name: string; bytes: Uint8Array }): Promise<VoiceSample> {
  const info = probeSample(upload.bytes);
  const id = crypto.randomUUID();
  const fileKey = sampleKey(tenantId, id, info.format);
  await deps.env.VOICE_SAMPLES.put(fileKey, upload.bytes, { httpMetadata: { contentType: CONTENT_TYPES[info.format] }, customMetadata: { tenant_id: tenantId } });
  try {
    return await insertVoiceSample(deps.db, tenantId, { id, name: upload.name, fileKey, fileSize: upload.bytes.length, ...info });
  } catch (error) {
    // No row, no object: nothing is left behind that nobody can list or delete.
    await deps.env.VOICE_SAMPLES.delete(fileKey);
    throw error;
  }
}

/** Whether a sample is cloning now (and not a clone whose Worker went away). */
const cloningNow = (sample: VoiceSample, now: number) => sample.status === 'processing' && now - sample.updatedAt.getTime() < STALE_PROCESSING_MS;

/**
 * Starts cloning a voice from the sample when the tenant's TTS is ElevenLabs: the row goes
 * `processing` at once (returned, for the route's answer) and `done` settles it `ready` with
 * the vendor's voice id or `failed` with the vendor's reason (for `waitUntil`). Null when the
 * tenant's TTS cannot clone; a sample already cloning or cloned is a 409.
 */
export async function beginCloning(deps: VoiceSampleDeps, tenantId: string, id: string): Promise<{ sample: VoiceSample; done: Promise<VoiceSample> } | null> {
  const current = await getVoiceSample(deps.db, tenantId, id);
  if (!current) throw notFound(id);
  const cloner = await tenantVoiceCloner(deps, tenantId);
  if (!cloner) return null;
  const restartable: VoiceSample['status'][] = cloningNow(current, Date.now()) ? ['uploaded', 'failed'] : ['uploaded', 'failed', 'processing'];
  const sample = await updateVoiceSample(deps.db, tenantId, id, { status: 'processing', error: null }, restartable);
  if (!sample) throw new ApiError(409, 'voice_sample_busy', `Voice sample ${id} is already ${current.status === 'ready' ? 'cloned' : 'being cloned'}`);
  const done = (async () => {
    try {
      const audio = await deps.env.VOICE_SAMPLES.get(sample.fileKey);
      if (!audio) throw new Error('its recording is missing from storage');
      const bytes = new Uint8Array(await audio.arrayBuffer());
      const voiceId = await cloner.add(sample.name, { bytes, filename: sample.fileKey.split('/').at(-1)!, contentType: CONTENT_TYPES[sample.format] });
      return (await updateVoiceSample(deps.db, tenantId, id, { status: 'ready', providerVoiceId: voiceId }, ['processing'])) ?? sample;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return (await updateVoiceSample(deps.db, tenantId, id, { status: 'failed', error: reason.slice(0, 500) }, ['processing'])) ?? sample;
    }
  })();
  return { sample, done };
}

/**
 * Deletes the sample: the voice cloned from it at the vendor first (one the vendor no longer
 * has counts as deleted), then the audio and the row. If the vendor cannot delete it now,
 * nothing is deleted (a 502 saying why), so the voice is not left behind unlisted.
 */
export async function deleteVoiceSample(deps: VoiceSampleDeps, tenantId: string, id: string): Promise<void> {
  const sample = await getVoiceSample(deps.db, tenantId, id);
  if (!sample) throw notFound(id);
  if (cloningNow(sample, Date.now())) throw new ApiError(409, 'voice_sample_busy', `Voice sample ${id} is being cloned; delete it once that finished`);
  if (sample.providerVoiceId) {
    const cloner = await tenantVoiceCloner(deps, tenantId);
    try {
      await cloner?.remove(sample.providerVoiceId);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      throw new ApiError(502, 'voice_delete_failed', `The cloned voice could not be deleted at the TTS provider (${error.message}); nothing was deleted, please try again`);
    }
  }
  await deps.env.VOICE_SAMPLES.delete(sample.fileKey);
  await deleteRow(deps.db, tenantId, id);
}
