import type { Tenant } from '@glyphoxa/db';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import type { AppEnv } from '../env.ts';
import { cachedTenant } from '../discord/tenant-cache.ts';
import { ApiError } from '../errors.ts';
import { TenantIdSchema } from '../routes/admin-schemas.ts';
import { readBody } from '../validation.ts';

/** Discord's interactions carry the tenant they were verified for. */
export interface DiscordEnv extends AppEnv {
  Variables: AppEnv['Variables'] & { tenant: Tenant };
}

/** Discord's replay window: a signed request older (or newer) than this is refused. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Imported public keys, by hex; bounded so a long-lived isolate does not hoard them. */
const KEY_CACHE_LIMIT = 1000;
const keyCache = new Map<string, Promise<CryptoKey>>();

const unsigned = (message: string) => new ApiError(401, 'invalid_signature', message);

/**
 * `POST /discord/:tenantId/interactions`: Ed25519 over timestamp + raw body,
 * checked with the tenant's own application public key, so one tenant's bot
 * can never act for another's.
 */
export const discordSignature = createMiddleware<DiscordEnv>(async (c, next) => {
  const signature = hexToBytes(c.req.header('x-signature-ed25519') ?? '', 64);
  const timestamp = c.req.header('x-signature-timestamp') ?? '';
  if (!signature || !/^\d{1,12}$/.test(timestamp)) throw unsigned('The request is not signed');
  if (Math.abs(Date.now() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS) throw unsigned('The signature timestamp is too old or in the future');

  const tenantId = c.req.param('tenantId') ?? '';
  const tenant = v.is(TenantIdSchema, tenantId) ? await cachedTenant(c.var.db(), tenantId) : null;
  const publicKey = tenant?.discordPublicKey ? await importPublicKey(tenant.discordPublicKey) : null;
  if (!tenant || !publicKey) throw new ApiError(404, 'tenant_not_found', `No tenant ${tenantId} receives Discord interactions`);

  const body = new Uint8Array(await readBody(c));
  const signed = new Uint8Array(timestamp.length + body.byteLength);
  signed.set(new TextEncoder().encode(timestamp));
  signed.set(body, timestamp.length);
  if (!(await crypto.subtle.verify('Ed25519', publicKey, signature, signed))) throw unsigned('The signature does not match');

  c.set('tenant', tenant);
  c.set('log', c.var.log.with({ tenant_id: tenant.id, actor: 'discord' }));
  await next();
});

function importPublicKey(hex: string): Promise<CryptoKey | null> {
  const raw = hexToBytes(hex, 32);
  if (!raw) return Promise.resolve(null);
  let key = keyCache.get(hex);
  if (!key) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
    key = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    key.catch(() => keyCache.delete(hex));
    keyCache.set(hex, key);
  }
  return key.catch(() => null);
}

function hexToBytes(hex: string, length: number): Uint8Array<ArrayBuffer> | null {
  if (hex.length !== length * 2 || !/^[0-9a-f]+$/i.test(hex)) return null;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
