import type { Bindings } from '../env.ts';
import { ApiError, errorBody } from '../errors.ts';

/** Where signed sample URLs point; the routes mount `serveSignedSample` here (wrangler.toml lets the Worker answer it). */
export const MEDIA_PATH = '/media/';
/** As the plan's presigned URLs: an hour. */
export const SIGNED_URL_TTL_MS = 3600_000;

const encoder = new TextEncoder();

async function hmacKey(env: Pick<Bindings, 'MEDIA_URL_SECRET'>): Promise<CryptoKey> {
  // A deployment without it cannot play recordings: say so, and who can fix it, rather than a bare 500.
  if (!env.MEDIA_URL_SECRET) throw new ApiError(503, 'media_urls_not_configured', "Recordings cannot be played: the operator has not set MEDIA_URL_SECRET (wrangler secret put MEDIA_URL_SECRET; npm start sets it). Ask them, or open a support ticket");
  return crypto.subtle.importKey('raw', encoder.encode(env.MEDIA_URL_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The signed text: the object's key and the URL's expiry, so neither can be changed. */
const signedText = (key: string, expires: number) => encoder.encode(`${key}\n${expires}`);

const base64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * A URL at `origin` that serves the R2 object `key` to whoever holds it until it expires
 * (an `<audio>` element sends no Authorization header): HMAC-SHA256 over key and expiry.
 */
export async function signedMediaUrl(env: Pick<Bindings, 'MEDIA_URL_SECRET'>, origin: string, key: string, ttlMs = SIGNED_URL_TTL_MS, now = Date.now()): Promise<{ url: string; expires_at: string }> {
  const expires = Math.floor((now + ttlMs) / 1000);
  const signature = base64url(await crypto.subtle.sign('HMAC', await hmacKey(env), signedText(key, expires)));
  const url = new URL(`${MEDIA_PATH}${key.split('/').map(encodeURIComponent).join('/')}`, origin);
  url.searchParams.set('expires', String(expires));
  url.searchParams.set('signature', signature);
  return { url: url.href, expires_at: new Date(expires * 1000).toISOString() };
}

const refuse = (status: 403 | 404 | 405, code: string, message: string) => Response.json(errorBody(code, message), { status });

/**
 * Answers a signed media URL (`GET`/`HEAD /media/<key>?expires=&signature=`) from R2, with
 * Range support for seeking; an expired, altered or unsigned URL is a 403, never the object.
 */
export async function serveSignedSample(request: Request, env: Pick<Bindings, 'MEDIA_URL_SECRET' | 'VOICE_SAMPLES'>): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method_not_allowed', 'Signed media URLs answer GET and HEAD');
  const url = new URL(request.url);
  if (!url.pathname.startsWith(MEDIA_PATH)) return refuse(404, 'not_found', 'No such media');
  const key = url.pathname.slice(MEDIA_PATH.length).split('/').map(decodeURIComponent).join('/');
  const expires = Number(url.searchParams.get('expires'));
  const signature = fromBase64url(url.searchParams.get('signature') ?? '');
  if (!Number.isSafeInteger(expires) || !signature || !(await crypto.subtle.verify('HMAC', await hmacKey(env), signature, signedText(key, expires)))) {
    return refuse(403, 'invalid_signature', 'This media URL is not valid: ask for a new one');
  }
  if (expires * 1000 <= Date.now()) return refuse(403, 'url_expired', 'This media URL has expired: ask for a new one');
  const object = await env.VOICE_SAMPLES.get(key, { range: request.headers });
  if (!object) return refuse(404, 'not_found', 'The recording no longer exists');
  const headers = new Headers({ 'accept-ranges': 'bytes', 'cache-control': `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}`, etag: object.httpEtag });
  object.writeHttpMetadata(headers);
  const range = request.headers.has('range') ? rangeOf(object) : null;
  if (range) headers.set('content-range', `bytes ${range.start}-${range.end}/${object.size}`);
  headers.set('content-length', String(range ? range.end - range.start + 1 : object.size));
  return new Response(request.method === 'HEAD' ? null : object.body, { status: range ? 206 : 200, headers });
}

/** The bytes R2 sent for a ranged get, as first and last offsets. */
function rangeOf(object: R2ObjectBody): { start: number; end: number } | null {
  const range = object.range as { offset?: number; length?: number; suffix?: number } | undefined;
  if (!range) return null;
  if (range.suffix !== undefined) return { start: object.size - range.suffix, end: object.size - 1 };
  const start = range.offset ?? 0;
  return { start, end: range.length === undefined ? object.size - 1 : start + range.length - 1 };
}
