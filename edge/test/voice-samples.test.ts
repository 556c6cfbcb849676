import { env } from 'cloudflare:workers';
import { createDb, getVoiceSample, listVoiceSamples } from '@glyphoxa/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.ts';
import { SampleRefused } from '../src/voice-samples/sample-error.ts';
import { serveSignedSample, signedMediaUrl } from '../src/voice-samples/signed-url.ts';
import { beginCloning, deleteVoiceSample, uploadVoiceSample } from '../src/voice-samples/voice-samples.ts';
import { admin, uniqueTenantId } from './helpers/admin.ts';
import { recording } from './helpers/recording.ts';
import { ELEVENLABS_STAND_IN_BASE, ELEVENLABS_STAND_IN_KEY } from './vendor-stand-ins.ts';

const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
const deps = { env, db };
afterAll(() => close());
// The vendor SDK loads once per isolate, slowly under the test runner: before any clone's clock runs.
beforeAll(() => import('@elevenlabs/elevenlabs-js'), 120_000);

async function tenant(tts?: 'elevenlabs' | 'openai'): Promise<string> {
  const id = uniqueTenantId('vs');
  expect((await admin('POST', '/tenants', { id })).status).toBe(201);
  if (tts === 'elevenlabs') {
    const put = await admin('PUT', `/tenants/${id}/providers/tts`, { kind: 'elevenlabs', base_url: ELEVENLABS_STAND_IN_BASE, model: 'eleven_flash_v2_5', api_key: ELEVENLABS_STAND_IN_KEY });
    expect(put.status).toBe(200);
  } else if (tts === 'openai') {
    expect((await admin('PUT', `/tenants/${id}/providers/tts`, { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'tts-1', api_key: 'sk-x' })).status).toBe(200);
  }
  return id;
}

/** The cloned voice as the vendor holds it: its status code for GET /v1/voices/:id. */
const vendorVoice = async (voiceId: string) => (await fetch(`${ELEVENLABS_STAND_IN_BASE}/v1/voices/${voiceId}`, { headers: { 'xi-api-key': ELEVENLABS_STAND_IN_KEY } })).status;
const failNextVendorCall = (status: number, message: string) => fetch(`${ELEVENLABS_STAND_IN_BASE}/__fail`, { method: 'POST', body: JSON.stringify({ status, message }) });

describe('voice samples', () => {
  let cloning: string;
  beforeAll(async () => {
    cloning = await tenant('elevenlabs');
  });

  it('stores an upload in R2 under its tenant with what its bytes say', async () => {
    const bytes = recording(2);
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Grimjaw', bytes });
    expect(sample).toMatchObject({ tenantId: cloning, name: 'Grimjaw', format: 'wav', durationMs: 2000, sampleRate: 16_000, channels: 1, fileSize: bytes.length, status: 'uploaded' });
    expect(sample.fileKey).toBe(`voice-samples/${cloning}/${sample.id}.wav`);
    const stored = await env.VOICE_SAMPLES.get(sample.fileKey);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
    expect(stored!.httpMetadata?.contentType).toBe('audio/wav');
  });

  it('refuses what is not a usable recording and keeps nothing of it', async () => {
    const id = await tenant();
    const garbage = await uploadVoiceSample(deps, id, { name: 'x', bytes: new TextEncoder().encode('definitely not audio') }).catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(SampleRefused);
    expect(garbage).toMatchObject({ status: 415, field: 'file' });
    const long = await uploadVoiceSample(deps, id, { name: 'x', bytes: recording(11) }).catch((e: unknown) => e);
    expect(long).toMatchObject({ status: 422, code: 'sample_too_long' });
    expect(await listVoiceSamples(db, id)).toEqual([]);
    expect((await env.VOICE_SAMPLES.list({ prefix: `voice-samples/${id}/` })).objects).toEqual([]);
  });

  it('clones it through ElevenLabs: uploaded, processing, then ready with the vendor voice id', async () => {
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Elara', bytes: recording() });
    const started = await beginCloning(deps, cloning, sample.id);
    expect(started!.sample.status).toBe('processing');
    expect((await getVoiceSample(db, cloning, sample.id))!.status).toBe('processing');
    // A second start while it clones is refused, not a second voice.
    await expect(beginCloning(deps, cloning, sample.id)).rejects.toMatchObject({ status: 409, code: 'voice_sample_busy' });
    const ready = await started!.done;
    expect(ready).toMatchObject({ status: 'ready', error: null });
    expect(ready.providerVoiceId).toMatch(/\S+/);
    expect(await vendorVoice(ready.providerVoiceId!)).toBe(200);
    await expect(beginCloning(deps, cloning, sample.id)).rejects.toMatchObject({ status: 409 });
  });

  it("ends failed with the vendor's reason, and may be tried again", async () => {
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Noisy', bytes: recording() });
    await failNextVendorCall(422, 'The audio is too noisy to clone a voice from.');
    const failed = await (await beginCloning(deps, cloning, sample.id))!.done;
    expect(failed).toMatchObject({ status: 'failed', providerVoiceId: null });
    expect(failed.error).toContain('The audio is too noisy to clone a voice from.');
    const retried = await (await beginCloning(deps, cloning, sample.id))!.done;
    expect(retried).toMatchObject({ status: 'ready', error: null });
  });

  it('is not cloned when the tenant speaks with another TTS', async () => {
    for (const id of [await tenant('openai'), await tenant()]) {
      const sample = await uploadVoiceSample(deps, id, { name: 'Narrator', bytes: recording() });
      expect(await beginCloning(deps, id, sample.id)).toBeNull();
      expect((await getVoiceSample(db, id, sample.id))!.status).toBe('uploaded');
    }
  });

  it('deletes the cloned voice at the vendor, the audio and the row', async () => {
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Doomed', bytes: recording() });
    const { providerVoiceId } = await (await beginCloning(deps, cloning, sample.id))!.done;
    await deleteVoiceSample(deps, cloning, sample.id);
    expect(await vendorVoice(providerVoiceId!)).toBe(404);
    expect(await env.VOICE_SAMPLES.get(sample.fileKey)).toBeNull();
    expect(await getVoiceSample(db, cloning, sample.id)).toBeNull();
    await expect(deleteVoiceSample(deps, cloning, sample.id)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps everything when the vendor cannot delete the voice now', async () => {
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Sturdy', bytes: recording() });
    const { providerVoiceId } = await (await beginCloning(deps, cloning, sample.id))!.done;
    // Transient failures are retried: every attempt fails.
    for (let i = 0; i < 3; i++) await failNextVendorCall(503, 'Service unavailable');
    await expect(deleteVoiceSample(deps, cloning, sample.id)).rejects.toMatchObject({ status: 502, code: 'voice_delete_failed' });
    expect(await getVoiceSample(db, cloning, sample.id)).not.toBeNull();
    expect(await env.VOICE_SAMPLES.head(sample.fileKey)).not.toBeNull();
    expect(await vendorVoice(providerVoiceId!)).toBe(200);
  });

  it("never shows one tenant another's sample", async () => {
    const other = await tenant('elevenlabs');
    const sample = await uploadVoiceSample(deps, cloning, { name: 'Private', bytes: recording() });
    expect(await getVoiceSample(db, other, sample.id)).toBeNull();
    await expect(beginCloning(deps, other, sample.id)).rejects.toMatchObject({ status: 404 });
    await expect(deleteVoiceSample(deps, other, sample.id)).rejects.toMatchObject({ status: 404 });
    expect(await getVoiceSample(db, cloning, sample.id)).not.toBeNull();
  });
});

describe('signed sample URLs', () => {
  let key: string;
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = recording();
    key = (await uploadVoiceSample(deps, await tenant(), { name: 'Listen', bytes })).fileKey;
  });

  const serve = (url: string, headers: Record<string, string> = {}) => serveSignedSample(new Request(url, { headers }), env);

  it('serve the recording until they expire, a range of it for seeking', async () => {
    const { url, expires_at } = await signedMediaUrl(env, 'http://edge.test', key);
    expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    const whole = await serve(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await serve(url, { range: 'bytes=0-43' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-43/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(0, 44));
  });

  it('refuse once expired', async () => {
    const { url } = await signedMediaUrl(env, 'http://edge.test', key, 60_000, Date.now() - 120_000);
    const res = await serve(url);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('url_expired');
  });

  it('refuse when anything in them was changed', async () => {
    const { url } = await signedMediaUrl(env, 'http://edge.test', key);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 86_400));
    const elsewhere = new URL(url.replace(encodeURIComponent(key.split('/')[1]!), 'someone-else'));
    const forged = new URL(url);
    forged.searchParams.set('signature', forged.searchParams.get('signature')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    const unsigned = new URL(url);
    unsigned.searchParams.delete('signature');
    for (const changed of [later, elsewhere, forged, unsigned]) {
      const res = await serve(changed.href);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    }
  });

  it('without MEDIA_URL_SECRET are a 503 saying who sets it, not a bare 500', async () => {
    const unset = { ...env, MEDIA_URL_SECRET: undefined };
    const refusal = await signedMediaUrl(unset, 'http://edge.test', key).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 503, code: 'media_urls_not_configured' });
    expect((refusal as ApiError).message).toContain('wrangler secret put MEDIA_URL_SECRET');
  });
});
