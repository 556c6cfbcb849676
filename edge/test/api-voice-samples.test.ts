import { env, exports } from 'cloudflare:workers';
import { auditLog, createDb, withTenant } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { recording } from './helpers/recording.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';
import { ELEVENLABS_STAND_IN_BASE, ELEVENLABS_STAND_IN_KEY } from './vendor-stand-ins.ts';

let owner: Person;
let dm: Person;
let tenant: string;

/** Uploads the recording as the dashboard does: the file as the body, its name in the query. */
async function upload(token: string, bytes: Uint8Array, name: string | null = 'Grimjaw', t = tenant) {
  const query = name === null ? '' : `?name=${encodeURIComponent(name)}`;
  const res = await exports.default.fetch(`http://edge.test/api/v1/tenants/${t}/voice-samples${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const vendorVoice = async (voiceId: string) => (await fetch(`${ELEVENLABS_STAND_IN_BASE}/v1/voices/${voiceId}`, { headers: { 'xi-api-key': ELEVENLABS_STAND_IN_KEY } })).status;

// The vendor SDK loads once per isolate, slowly under the test runner: before any clone's clock runs.
beforeAll(() => import('@elevenlabs/elevenlabs-js'), 120_000);
beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  dm = await memberOf(tenant, 'dm');
  const tts = await api(owner.token, 'PUT', `/tenants/${tenant}/providers/tts`, { kind: 'elevenlabs', base_url: ELEVENLABS_STAND_IN_BASE, model: 'eleven_flash_v2_5', api_key: ELEVENLABS_STAND_IN_KEY });
  expect(tts.status).toBe(200);
});

describe('/api/v1/tenants/:id/voice-samples', () => {
  it('lets a DM upload a recording that clones through ElevenLabs, listen to it through a signed URL, and delete it with its voice', async () => {
    const bytes = recording(2);
    const up = await upload(dm.token, bytes, ' Grimjaw ');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.voice_sample.id;
    expect(up.body.voice_sample).toMatchObject({ name: 'Grimjaw', format: 'wav', duration_ms: 2000, sample_rate: 16_000, channels: 1, file_size: bytes.length, status: 'processing' });
    expect(up.body.voice_sample).not.toHaveProperty('audio');

    const ready = await eventually('cloned', async () => {
      const got = await api(dm.token, 'GET', `/tenants/${tenant}/voice-samples/${id}`);
      return got.body.voice_sample.status === 'ready' ? got.body.voice_sample : null;
    });
    expect(ready.provider_voice_id).toMatch(/\S+/);
    expect(await vendorVoice(ready.provider_voice_id)).toBe(200);
    expect(Date.parse(ready.audio.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);

    // The signed URL needs no token: an <audio> element plays it.
    const audio = await exports.default.fetch(ready.audio.url);
    expect(audio.status).toBe(200);
    expect(new Uint8Array(await audio.arrayBuffer())).toEqual(bytes);
    const altered = await exports.default.fetch(ready.audio.url.replace(/signature=./, 'signature=A'));
    expect(altered.status).toBe(403);

    const listed = await api(owner.token, 'GET', `/tenants/${tenant}/voice-samples`);
    expect(listed.body.voice_samples.map((s: { id: string }) => s.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain('voice-samples/');

    expect((await api(dm.token, 'DELETE', `/tenants/${tenant}/voice-samples/${id}`)).body).toEqual({ deleted: id });
    expect(await vendorVoice(ready.provider_voice_id)).toBe(404);
    const gone = await api(dm.token, 'GET', `/tenants/${tenant}/voice-samples/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: 'voice_sample_not_found', field: 'sample_id' });
    expect((await exports.default.fetch(ready.audio.url)).status).toBe(404);

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const trail = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(eq(auditLog.target, id)).orderBy(auditLog.id));
      expect(trail.map((r) => [r.actor, r.action])).toEqual([
        [`user:${dm.id}`, 'voice_sample.upload'],
        [`user:${dm.id}`, 'voice_sample.delete'],
      ]);
    } finally {
      await close();
    }
  });

  it('keeps a sample uploaded, not cloning, when the tenant speaks with another TTS', async () => {
    const other = await signIn();
    const up = await upload(other.token, recording(1), 'Narrator', other.tenant);
    expect(up.status).toBe(201);
    expect(up.body.voice_sample.status).toBe('uploaded');
  });

  it('refuses what is no usable recording, naming why, and a missing name', async () => {
    const garbage = await upload(dm.token, new TextEncoder().encode('definitely not audio'));
    expect(garbage.status).toBe(415);
    expect(garbage.body.error.field).toBe('file');
    const long = await upload(dm.token, recording(11));
    expect(long.status).toBe(422);
    expect(long.body.error.code).toBe('sample_too_long');
    const big = await upload(dm.token, new Uint8Array(10 * 1024 * 1024 + 1));
    expect(big.status).toBe(413);
    const unnamed = await upload(dm.token, recording(1), null);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.field).toBe('name');
    expect((await api(dm.token, 'GET', `/tenants/${tenant}/voice-samples/not-a-uuid`)).body.error.field).toBe('sampleId');
  });

  it('is for owners and DMs: a viewer is refused, another tenant sees nothing, a key needs write', async () => {
    const up = await upload(owner.token, recording(1), 'Private');
    const id = up.body.voice_sample.id;
    const viewer = await memberOf(tenant, 'viewer');
    expect((await api(viewer.token, 'GET', `/tenants/${tenant}/voice-samples`)).status).toBe(403);
    expect((await upload(viewer.token, recording(1))).status).toBe(403);
    const outsider = await signIn();
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/voice-samples/${id}`)).status).toBe(404);
    expect((await api(outsider.token, 'DELETE', `/tenants/${tenant}/voice-samples/${id}`)).status).toBe(404);
    const reader = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'reader', scopes: ['read'] });
    const refused = await api(reader.body.api_key.key, 'GET', `/tenants/${tenant}/voice-samples`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('write');
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/voice-samples/${id}`)).status).toBe(200);
  });

  it('documents the upload as a binary body', async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const post = paths['/api/v1/tenants/{id}/voice-samples'].post;
    expect(post.requestBody.content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(post.parameters.filter((p: any) => p.in === 'query').map((p: any) => [p.name, p.required])).toEqual([['name', true]]);
  });
});
