import { exports } from 'cloudflare:workers';
import type { VoicePreview } from '@glyphoxa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

const KEY = 'sk-tts-preview-5c4d';
const voice = { provider: 'openai', voice_id: 'nova', pitch: 2, speed: 1.1 };
/** A tiny but real WAV: the node's answer, handed on byte for byte. */
const WAV = Uint8Array.from(atob('UklGRiwAAABXQVZFZm10IBAAAAABAAEAwF0AAIC7AAACABAAZGF0YQgAAAAAAP9/AID/fw=='), (c) => c.charCodeAt(0));

let owner: Person;
let node: TestNode;

/** A tenant of its own pool, so the preview surely goes to this test's node. */
async function dedicated(person: Person) {
  expect((await admin('PUT', `/tenants/${person.tenant}`, { license_tier: 'dedicated' })).status).toBe(200);
}

beforeAll(async () => {
  owner = await signIn();
  await dedicated(owner);
  node = await TestNode.connect((await admin('POST', '/nodes', { pool: owner.tenant })).body.token);
});

afterAll(() => node?.close());

const preview = (who: Person, body: unknown, tenant = owner.tenant) =>
  exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/voice-preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Answers the next preview the node is asked for with `answer`; the request it got. */
async function answerNext(answer: (request: VoicePreview) => Record<string, unknown>): Promise<VoicePreview> {
  const request = (await node.next((m) => m.type === 'voice_preview', 10_000)) as VoicePreview;
  node.send({ type: 'reply', request_id: request.request_id, ...answer(request) });
  return request;
}

describe('POST /api/v1/tenants/:id/voice-preview, a voice spoken by a node of the tenant', { timeout: 60_000 }, () => {
  it("sends the voice, the line and the tenant's TTS (key opened) to a node and answers its WAV", async () => {
    expect((await api(owner.token, 'PUT', `/tenants/${owner.tenant}/providers/tts`, { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'gpt-4o-mini-tts', api_key: KEY })).status).toBe(200);
    const [res, request] = await Promise.all([
      preview(owner, { voice, text: 'The forge is hot today.' }),
      answerNext(() => ({ ok: true, data: { wav_base64: btoa(String.fromCharCode(...WAV)), duration_ms: 1, spoken_by: 'openai' } })),
    ]);
    expect(request).toMatchObject({ tenant_id: owner.tenant, voice, text: 'The forge is hot today.', tts: { kind: 'openai', model: 'gpt-4o-mini-tts', api_key: KEY } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('x-voice-spoken-by')).toBe('openai');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(WAV);

    // No line given: a greeting. The node's failure is the vendor's, named.
    const [failed, greeting] = await Promise.all([
      preview(owner, { voice }),
      answerNext(() => ({ ok: false, error: { code: 'voice_preview_failed', message: 'openai-tts: 401 invalid key' } })),
    ]);
    expect(greeting.text).toBe('Well met, traveller. This is how I sound.');
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toBe('openai-tts: 401 invalid key');
  });

  it('says when no node can speak it, checks the voice, and lets only owners and DMs of the tenant ask', async () => {
    const lonely = await signIn();
    await dedicated(lonely);
    const none = await preview(lonely, { voice }, lonely.tenant);
    expect([none.status, ((await none.json()) as { error: { code: string } }).error.code]).toEqual([503, 'no_voice_node']);

    const pitch = await preview(owner, { voice: { ...voice, pitch: 15 } });
    expect([pitch.status, ((await pitch.json()) as { error: { field: string } }).error.field]).toEqual([400, 'voice.pitch']);
    expect((await preview(await memberOf(owner.tenant, 'viewer'), { voice })).status).toBe(403);
    expect((await preview(lonely, { voice })).status).toBe(404);
  });
});
