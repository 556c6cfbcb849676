import { env } from 'cloudflare:workers';
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { signNpcToolToken } from '../src/auth/npc-tool-token.ts';
import type { AppEnv, Bindings } from '../src/env.ts';
import { onError } from '../src/errors.ts';
import { authenticate } from '../src/middleware/authenticate.ts';
import { limiterOf, rateLimit, VOICE_PREVIEW_RATE_LIMIT } from '../src/middleware/rate-limit.ts';
import { shardOf } from '../src/durable/rate-limiter/shard.ts';
import { requestContext } from '../src/middleware/request-context.ts';
import { api, signIn } from './helpers/web-api.ts';

/**
 * The suite's Worker runs with raised limits (vitest.config.ts); here the Worker is
 * called with the variables unset, so each limit is proved at its real default.
 */
const DEFAULTS: Bindings = { ...env, RATE_LIMIT_AUTH_PER_MINUTE: undefined, RATE_LIMIT_API_PER_MINUTE: undefined, RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE: undefined, RATE_LIMIT_MCP_PER_MINUTE: undefined };

async function call(app: { fetch: (r: Request, e: Bindings, c: ExecutionContext) => Response | Promise<Response> }, path: string, init: RequestInit & { ip?: string; token?: string }, bindings = DEFAULTS) {
  const headers = new Headers(init.headers);
  if (init.ip) headers.set('cf-connecting-ip', init.ip);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://edge.test${path}`, { ...init, headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (text ? JSON.parse(text) : null) as any };
}

/** `count` calls in a row, their statuses. */
async function statuses(count: number, once: () => Promise<{ status: number }>) {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await once()).status);
  return seen;
}

const anAddress = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 4)}`;
// PUT /me with an empty body is refused by validation after being counted: a cheap call that is surely an /api one.
const cheapApiCall = (token: string, bindings = DEFAULTS) => call(createApp(), '/api/v1/me', { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: '{}' }, bindings);

describe('rate limits, at their defaults', () => {
  it('/auth/*: 10 a minute per address, then 429 with Retry-After and the error body; another address is not held back', async () => {
    const app = createApp();
    const ip = anAddress();
    // Refresh without a CSRF token is refused (403) after being counted.
    const refresh = (from: string) => call(app, '/auth/refresh', { method: 'POST', ip: from });
    expect(await statuses(10, () => refresh(ip))).toEqual(Array(10).fill(403));
    const refused = await refresh(ip);
    expect(refused).toEqual({ status: 429, retryAfter: '6', body: { error: { code: 'rate_limited', message: expect.stringContaining('at most 10 a minute') } } });
    // Sign-in itself is held back too.
    expect((await call(app, '/auth/local', { method: 'POST', ip, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.test' }) })).status).toBe(429);
    expect((await refresh(anAddress())).status).toBe(403);
  });

  it('/api/*: 60 a minute per user, then refused for a second; another user and the user\'s API key count alone', async () => {
    const me = await signIn();
    const other = await signIn();
    const key = (await api(me.token, 'POST', `/tenants/${me.tenant}/keys`, { name: 'ci', scopes: ['read'] })).body.api_key.key as string;
    // One call comes back each second: on a busy machine the burst itself may take that long.
    const started = Date.now();
    let passed = 0;
    let refused;
    while (!refused && passed < 200) {
      const res = await cheapApiCall(me.token);
      if (res.status === 429) refused = res;
      else passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(passed).toBeLessThanOrEqual(60 + Math.ceil((Date.now() - started) / 1000));
    expect(refused).toMatchObject({ status: 429, retryAfter: '1', body: { error: { code: 'rate_limited' } } });
    expect(refused!.body.error.message).toContain('at most 60 a minute');
    expect((await cheapApiCall(other.token)).status).toBe(400);
    expect((await cheapApiCall(key)).status).toBe(400);
    // After the Retry-After, a call passes again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await cheapApiCall(me.token)).status).toBe(400);
  });

  it('/api/v1/campaigns/*: counted once a call though handed on to the nested route, and a refused lookup counted too', async () => {
    const me = await signIn();
    const campaign = (await api(me.token, 'POST', `/tenants/${me.tenant}/campaigns`, { name: `Counted ${crypto.randomUUID().slice(0, 8)}` })).body.campaign.id as string;
    const six = { ...DEFAULTS, RATE_LIMIT_API_PER_MINUTE: '6' };
    const unnested = (id: string) => call(createApp(), `/api/v1/campaigns/${id}/entities`, { token: me.token }, six);
    const started = Date.now();
    // Three un-nested calls: were each counted twice (here and at the nested route), they would spend the six.
    expect(await statuses(3, () => unnested(campaign))).toEqual([200, 200, 200]);
    let passed = 3;
    let refused;
    while (!refused && passed < 30) {
      // A campaign that does not exist: its lookup is refused 404, and still counted.
      const res = await unnested(crypto.randomUUID());
      if (res.status === 429) refused = res;
      else passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(6);
    expect(passed).toBeLessThanOrEqual(6 + Math.ceil((Date.now() - started) / 10_000));
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
  });

  it('/mcp: 120 a minute per NPC of a session, whichever of its tool tokens; another NPC is not held back', async () => {
    const app = createApp();
    const caller = { tenantId: 'mcp-limits', sessionId: crypto.randomUUID(), campaignId: crypto.randomUUID(), npcId: crypto.randomUUID(), nodeId: 'node-limits' };
    const tokens = await Promise.all([signNpcToolToken(env, caller), signNpcToolToken(env, caller, Date.now() - 1_000)]);
    // Not JSON-RPC: the MCP transport refuses it (400) after it was counted.
    const notRpc = (token: string) => call(app, '/mcp', { method: 'POST', token, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    const started = Date.now();
    let passed = 0;
    let refused;
    while (!refused && passed < 400) {
      const res = await notRpc(tokens[passed % 2]!);
      if (res.status === 429) refused = res;
      else passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(120);
    expect(passed).toBeLessThanOrEqual(120 + 2 * Math.ceil((Date.now() - started) / 1000));
    expect(refused!.body.error.message).toContain('at most 120 a minute (mcp)');
    const otherNpc = await signNpcToolToken(env, { ...caller, npcId: crypto.randomUUID() });
    expect((await notRpc(otherNpc)).status).toBe(400);
  });

  it('voice preview (the exported limiter, after authenticate): 5 a minute per user', async () => {
    const preview = new Hono<AppEnv>().use(requestContext).post('/preview', authenticate, rateLimit(VOICE_PREVIEW_RATE_LIMIT), (c) => c.json({ spoken: true }));
    preview.onError(onError);
    const me = await signIn();
    const other = await signIn();
    const speak = (token: string) => call(preview, '/preview', { method: 'POST', token });
    expect(await statuses(5, () => speak(me.token))).toEqual(Array(5).fill(200));
    expect(await speak(me.token)).toMatchObject({ status: 429, retryAfter: '12', body: { error: { code: 'rate_limited' } } });
    expect((await speak(other.token)).status).toBe(200);
  });
});

describe('rate limits as configuration, counted in a Durable Object', () => {
  it('takes its limit from the variable, so tests and benches can raise or lower it', async () => {
    const me = await signIn();
    const lowered = { ...DEFAULTS, RATE_LIMIT_API_PER_MINUTE: '3' };
    expect(await statuses(4, () => cheapApiCall(me.token, lowered))).toEqual([400, 400, 400, 429]);
    // Not a number, zero or negative: the default holds.
    for (const value of ['many', '0', '-5']) {
      const user = await signIn();
      expect(await statuses(4, () => cheapApiCall(user.token, { ...DEFAULTS, RATE_LIMIT_API_PER_MINUTE: value }))).toEqual([400, 400, 400, 400]);
    }
  });

  it("keeps each caller's bucket in its RateLimiter's storage, and forgets it once it is full again", async () => {
    const me = await signIn();
    await statuses(3, () => cheapApiCall(me.token));
    const address = `api:user:${me.id}`;
    const stub = limiterOf(env, address);
    const stored = () => runInDurableObject(stub, (_object, state) => state.storage.sql.exec<{ tokens: number; limit: number }>('select tokens, "limit" from buckets where key = ?', address).toArray());
    const [row] = await stored();
    expect(row!.limit).toBe(60);
    expect(row!.tokens).toBeGreaterThan(56);
    expect(row!.tokens).toBeLessThan(58);
    // Not yet full: the alarm keeps it.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stored()).toHaveLength(1);
    // As if the last call were a minute ago.
    await runInDurableObject(stub, (_object, state) => void state.storage.sql.exec('update buckets set at = at - 60000 where key = ?', address));
    await runDurableObjectAlarm(stub);
    expect(await stored()).toEqual([]);
  });

  it('counts callers that share an object apart', async () => {
    const first = `api:user:${crypto.randomUUID()}`;
    let second = `api:user:${crypto.randomUUID()}`;
    while (shardOf(second) !== shardOf(first)) second = `api:user:${crypto.randomUUID()}`;
    const limiter = limiterOf(env, first);
    expect((await limiter.take(first, 1, 60_000)).allowed).toBe(true);
    expect((await limiter.take(first, 1, 60_000)).allowed).toBe(false);
    expect((await limiter.take(second, 1, 60_000)).allowed).toBe(true);
  });
});
