import { exports } from 'cloudflare:workers';

export const ADMIN_KEY = 'test-admin-key';

/** Calls the Worker as an operator would. */
export async function admin(method: string, path: string, body?: unknown, key = ADMIN_KEY, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`http://edge.test/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

export const uniqueTenantId = (prefix = 't') => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
export const snowflake = () => String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e15)));
