import { TENANT_ID_PATTERN } from '@glyphoxa/db';
import { secretsEqual, sha256Hex } from './constant-time.ts';
import { randomToken } from './random-token.ts';

/**
 * API keys are `gx_live_<tenant>.<key id>.<secret>`: the tenant and id find the
 * row (inside that tenant's isolation), the secret is checked against its
 * SHA-256. Only the hash is stored; the key is shown once, when it is created.
 */
export const API_KEY_PREFIX = 'gx_live_';
/** A key's id: `key_` and 12 hex digits. */
export const API_KEY_ID_PATTERN = /^key_[a-f0-9]{12}$/;

export interface IssuedApiKey {
  keyId: string;
  key: string;
  secretHash: string;
}

export async function issueApiKey(tenantId: string): Promise<IssuedApiKey> {
  const keyId = `key_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const secret = randomToken();
  return { keyId, key: `${API_KEY_PREFIX}${tenantId}.${keyId}.${secret}`, secretHash: await sha256Hex(secret) };
}

export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** Splits a presented key; null when it cannot be one of ours. */
export function readApiKey(token: string): { tenantId: string; keyId: string; secret: string } | null {
  const [tenantId = '', keyId = '', secret = '', ...rest] = token.slice(API_KEY_PREFIX.length).split('.');
  const wellFormed = rest.length === 0 && TENANT_ID_PATTERN.test(tenantId) && API_KEY_ID_PATTERN.test(keyId) && /^[A-Za-z0-9_-]{20,}$/.test(secret);
  return looksLikeApiKey(token) && wellFormed ? { tenantId, keyId, secret } : null;
}

export async function apiKeySecretMatches(secret: string, secretHash: string): Promise<boolean> {
  return secretsEqual(await sha256Hex(secret), secretHash);
}
