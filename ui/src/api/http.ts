import { currentAccessToken, renewAccessToken } from './access-token.ts';
import { errorFrom } from './errors.ts';

/**
 * The fetch every API call goes through: the bearer token on the way out, one
 * renewal and retry when the edge says it expired, and a thrown ApiRequestError
 * for any non-2xx answer. The typed client (Hono's `hc` over the Worker's AppType)
 * is built on this function, so the types come from the routes themselves.
 */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const send = async (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
  let res = await send(await currentAccessToken());
  if (res.status === 401) {
    const renewed = await renewAccessToken();
    if (renewed) res = await send(renewed);
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}
