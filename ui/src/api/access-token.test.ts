import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentAccessToken, setAccessToken } from './access-token.ts';

/** A JWT-shaped token expiring in `seconds` (only its `exp` is read in the browser). */
const token = (name: string, seconds: number) => `h.${btoa(JSON.stringify({ sub: name, exp: Math.floor(Date.now() / 1000) + seconds }))}.s`;

afterEach(() => {
  setAccessToken(null);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the access token', () => {
  it('is renewed through the refresh cookie a minute before it expires, with nobody asking, and kept in memory only', async () => {
    vi.useFakeTimers();
    document.cookie = 'gx_csrf=csrf-2';
    const fresh = token('fresh', 900);
    const refreshes: Array<string | null> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (url !== '/auth/refresh') throw new Error(`unexpected ${url}`);
      refreshes.push(new Headers(init.headers).get('x-csrf-token'));
      return Response.json({ access_token: fresh });
    });
    const first = token('first', 180);
    setAccessToken(first);

    // Two minutes in: still a minute to go, nothing asked yet.
    await vi.advanceTimersByTimeAsync(119_000);
    expect(refreshes).toEqual([]);
    expect(await currentAccessToken()).toBe(first);
    // A minute before expiry: renewed in the background, with the CSRF cookie's value.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refreshes).toEqual(['csrf-2']);
    expect(await currentAccessToken()).toBe(fresh);
    expect(refreshes).toHaveLength(1);

    // Never written where a script could read it back.
    for (const held of [first, fresh]) {
      expect(document.cookie).not.toContain(held);
      expect(Object.values({ ...localStorage }).join('')).not.toContain(held);
      expect(Object.values({ ...sessionStorage }).join('')).not.toContain(held);
    }
  });

  it('is forgotten when the edge refuses the renewal (signed out elsewhere)', async () => {
    vi.useFakeTimers();
    document.cookie = 'gx_csrf=csrf-3';
    let refreshes = 0;
    vi.stubGlobal('fetch', async () => (refreshes++, Response.json({ error: { code: 'refresh_refused', message: 'signed out' } }, { status: 401 })));
    const ending = token('ending', 61);
    setAccessToken(ending);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refreshes).toBe(1);
    // The old token is not handed out for its last minute: the next caller asks again, and is told there is no sign-in.
    expect(await currentAccessToken()).toBeNull();
    expect(refreshes).toBe(2);
  });
});
