import { env } from 'cloudflare:workers';
import { auditLog, createDb, withTenant } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';
import { ELEVENLABS_STAND_IN_BASE, ELEVENLABS_STAND_IN_KEY, LLM_STAND_IN_BASE, LLM_STAND_IN_KEY, LLM_STAND_IN_REPLY, type RecordedRequest } from './vendor-stand-ins.ts';

let owner: Person;
let tenant: string;

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
});

/** A model name of this test's own, so its requests are told apart from other files' at the shared stand-in. */
const model = (what: string) => `${what}-${crypto.randomUUID().slice(0, 8)}`;
const put = (role: string, body: Record<string, unknown>) => api(owner.token, 'PUT', `/tenants/${tenant}/providers/${role}`, body);
const check = (who: Person, role: string, body: Record<string, unknown> = {}) => api(who.token, 'POST', `/tenants/${tenant}/providers/${role}/test`, body);

/** What the stand-in at `base` was asked with `modelName` (in a JSON body, a form field, or the path). */
async function askedWith(base: string, modelName: string): Promise<RecordedRequest[]> {
  const { requests } = (await (await fetch(`${new URL(base).origin}/__requests`)).json()) as { requests: RecordedRequest[] };
  return requests.filter((r) => JSON.stringify(r.body ?? {}).includes(modelName));
}

// Each check loads its vendor's SDK into the Worker on first use: seconds on a busy machine.
describe('POST /api/v1/tenants/:id/providers/:role/test, a real call to the configured provider', { timeout: 60_000 }, () => {
  it("asks the tenant's LLM for a tiny completion with its key and says what it answered, how fast; the audit names the owner", async () => {
    const llm = model('llm');
    expect((await put('llm', { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: llm, api_key: LLM_STAND_IN_KEY })).status).toBe(200);
    const res = await check(owner, 'llm');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: 'llm', kind: 'openai', model: llm, ok: true });
    expect(res.body.detail).toMatch(new RegExp(`^answered "${LLM_STAND_IN_REPLY.slice(0, 40)}.*" \\(\\d+ tokens in, \\d+ out\\)$`));
    expect(res.body.latency_ms).toBeGreaterThanOrEqual(0);

    const [asked] = await askedWith(LLM_STAND_IN_BASE, llm);
    expect(asked!.path).toBe('/v1/chat/completions');
    expect(asked!.headers.authorization).toBe(`Bearer ${LLM_STAND_IN_KEY}`);
    expect(JSON.stringify(res.body)).not.toContain(LLM_STAND_IN_KEY);

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const trail = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.action, 'provider.test'))));
      expect(trail.map((r) => [r.actor, r.target, (r.detail as { ok: boolean }).ok])).toEqual([[`user:${owner.id}`, `${tenant}/llm`, true]]);
    } finally {
      await close();
    }
  });

  it('uploads a short spoken recording to the STT and shows what it heard', async () => {
    const stt = model('whisper');
    await put('stt', { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: stt, api_key: LLM_STAND_IN_KEY });
    const res = await check(owner, 'stt');
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ role: 'stt', ok: true });
    // The stand-in transcribes any audio as its length: the fixture is 2.1 s of "Testing, one, two, three."
    expect(res.body.detail).toBe('heard "heard 2.10 seconds" in 2.1 s of "Testing, one, two, three."');
    const [asked] = await askedWith(LLM_STAND_IN_BASE, stt);
    expect(asked!.path).toBe('/v1/audio/transcriptions');
  });

  it('has the TTS speak a phrase, in a given voice or a default one of its vendor', async () => {
    const tts = model('tts');
    await put('tts', { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: tts, api_key: LLM_STAND_IN_KEY });
    const spoken = await check(owner, 'tts', { voice_id: 'nova' });
    expect(spoken.body, JSON.stringify(spoken.body)).toMatchObject({ ok: true });
    // The stand-in speaks 10 ms per character at 24 kHz: "Hello from Glyphoxa." is 0.2 s.
    expect(spoken.body.detail).toBe('spoke "Hello from Glyphoxa." in voice nova: 0.2 s of audio at 24000 Hz');
    expect((await askedWith(LLM_STAND_IN_BASE, tts)).map((r) => [r.path, (r.body as { voice: string }).voice])).toEqual([['/v1/audio/speech', 'nova']]);

    const elevenlabs = model('eleven_flash_v2_5');
    await put('tts', { kind: 'elevenlabs', base_url: ELEVENLABS_STAND_IN_BASE, model: elevenlabs, api_key: ELEVENLABS_STAND_IN_KEY });
    const byDefault = await check(owner, 'tts');
    expect(byDefault.body, JSON.stringify(byDefault.body)).toMatchObject({ ok: true, kind: 'elevenlabs' });
    expect(byDefault.body.detail).toMatch(/^spoke "Hello from Glyphoxa\." in voice 21m00Tcm4TlvDq8ikWAM: 0\.2 s of audio at 24000 Hz$/);
  });

  it('embeds a text with the embeddings provider at the length campaign memory stores', async () => {
    await put('embeddings', { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: model('embed'), api_key: LLM_STAND_IN_KEY });
    const res = await check(owner, 'embeddings');
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ ok: true, detail: 'returned a vector of 256 dimensions' });
  });

  it("answers the vendor's refusal and an unreachable server as results, never with the key in them", async () => {
    const wrongKey = 'sk-wrong-key-0f9e8d7c6b5a';
    await put('llm', { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: model('llm'), api_key: wrongKey });
    const refused = await check(owner, 'llm');
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, error: { status: 401 } });
    expect(refused.body.error.message).toMatch(/401/);
    // The vendor quotes the key it was sent; the answer does not.
    expect(JSON.stringify(refused.body)).not.toContain(wrongKey);

    await put('llm', { kind: 'openai', base_url: 'http://127.0.0.1:9/v1', model: 'm', api_key: 'sk-unreachable-1234' });
    const unreachable = await check(owner, 'llm');
    expect(unreachable.body).toMatchObject({ ok: false });
    expect(unreachable.body.error.message.length).toBeGreaterThan(0);
  });

  it('refuses a slot with nothing set, the keyless espeak voice, unknown fields, and everyone but owners', async () => {
    const other = await signIn();
    expect((await api(other.token, 'POST', `/tenants/${other.tenant}/providers/stt/test`, {})).body.error.code).toBe('provider_not_found');
    await api(other.token, 'PUT', `/tenants/${other.tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'en' });
    const espeak = await api(other.token, 'POST', `/tenants/${other.tenant}/providers/tts/test`, {});
    expect([espeak.status, espeak.body.error.code]).toEqual([409, 'not_testable']);
    const unknown = await api(other.token, 'POST', `/tenants/${other.tenant}/providers/tts/test`, { voice: 'x' });
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'voice']);

    for (const role of ['dm', 'viewer'] as const) expect((await check(await memberOf(tenant, role), 'llm')).status, role).toBe(403);
    expect((await check(other, 'llm')).status).toBe(404);
  });
});
