import { env, exports } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const res = await exports.default.fetch('http://edge.test/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when Postgres answers', async () => {
    const res = await exports.default.fetch('http://edge.test/readyz');
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; checks: { postgres: { ok: boolean } } }>();
    expect(body.status).toBe('ready');
    expect(body.checks.postgres.ok).toBe(true);
  });

  it('GET /readyz is 503 naming Postgres when it does not answer', async () => {
    const ctx = createExecutionContext();
    const unreachable = { ...env, HYPERDRIVE: { connectionString: 'postgres://nobody@127.0.0.1:1/none' } as Hyperdrive };
    const res = await createApp().request('/readyz', {}, unreachable, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const body = await res.json<{ status: string; message: string; checks: { postgres: { ok: boolean; error: string } } }>();
    expect(body.status).toBe('unavailable');
    expect(body.message).toMatch(/^postgres: /);
    expect(body.checks.postgres.ok).toBe(false);
  });
});
