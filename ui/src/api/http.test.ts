import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from './access-token.ts';
import { ApiRequestError } from './errors.ts';
import { apiFetch } from './http.ts';

/** A JWT-shaped token expiring in `seconds` (only its `exp` is read in the browser). */
const token = (name: string, seconds: number) => `h.${btoa(JSON.stringify({ sub: name, exp: Math.floor(Date.now() / 1000) + seconds }))}.s`;

afterEach(() => {
  setAccessToken(null);
  vi.unstubAllGlobals();
});

/** The edge as far as this layer sees it: `/auth/refresh` issues `fresh`, the API accepts only it. */
function edge(fresh: string) {
  const calls: Array<{ url: string; authorization: string | null; csrf: string | null }> = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    calls.push({ url: input, authorization: headers.get('authorization'), csrf: headers.get('x-csrf-token') });
    if (input === '/auth/refresh') return Response.json({ access_token: fresh });
    if (headers.get('authorization') !== `Bearer ${fresh}`) return Response.json({ error: { code: 'unauthorized', message: 'Token expired' } }, { status: 401 });
    return input === '/api/v1/missing' ? Response.json({ error: { code: 'not_found', message: 'No campaign x' } }, { status: 404 }) : Response.json({ ok: true });
  });
  return calls;
}

describe('the API fetch', () => {
  it('sends the token it holds, and renews it through the refresh cookie when the edge says it expired', async () => {
    const fresh = token('fresh', 900);
    document.cookie = 'gx_csrf=csrf-1';
    const calls = edge(fresh);
    setAccessToken(token('stale', 900));
    expect(await (await apiFetch('/api/v1/me')).json()).toEqual({ ok: true });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/auth/refresh', '/api/v1/me']);
    expect(calls[1]!.csrf).toBe('csrf-1');
    expect(calls[2]!.authorization).toBe(`Bearer ${fresh}`);
  });

  it('renews a token about to expire before sending, once for requests made together', async () => {
    const fresh = token('fresh', 900);
    const calls = edge(fresh);
    setAccessToken(token('ending', 2));
    await Promise.all([apiFetch('/api/v1/a'), apiFetch('/api/v1/b')]);
    expect(calls.filter((c) => c.url === '/auth/refresh')).toHaveLength(1);
    expect(calls.filter((c) => c.url.startsWith('/api/')).every((c) => c.authorization === `Bearer ${fresh}`)).toBe(true);
  });

  it('throws the edge’s error for any other refusal', async () => {
    edge(token('fresh', 900));
    const error = await apiFetch('/api/v1/missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'No campaign x' });
  });
});
