import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';

export interface InstallSecrets {
  adminKey: string;
  secretKeys: string;
  mediaUrlSecret: string;
  /** The Ed25519 JWK (with its kid) that signs access tokens, and the JSON array of public JWKs that verify them. */
  accessTokenSigningKey: string;
  accessTokenPublicKeys: string;
}

/**
 * This install's admin key, secret-encryption keyring, media-URL signing secret and access-token key: generated on first
 * start, kept under the data folder (readable by the owner only), never in the repo.
 */
export function loadOrCreateInstallSecrets(dataDir: string): InstallSecrets {
  mkdirSync(dataDir, { recursive: true });
  const signingKey = loadOrCreate(join(dataDir, 'access-token-key.json'), newAccessTokenKey);
  const { d: _private, ...publicKey } = JSON.parse(signingKey) as Record<string, string>;
  return {
    accessTokenSigningKey: signingKey,
    accessTokenPublicKeys: JSON.stringify([publicKey]),
    adminKey: loadOrCreate(join(dataDir, 'admin-key'), () => `gx_admin_${randomBytes(24).toString('base64url')}`),
    secretKeys: loadOrCreate(join(dataDir, 'secret-keys'), () => generateKeySpec('k1')),
    mediaUrlSecret: loadOrCreate(join(dataDir, 'media-url-secret'), () => randomBytes(32).toString('base64url')),
  };
}

function newAccessTokenKey(): string {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return JSON.stringify({ ...jwk, kid: `install-${randomBytes(4).toString('hex')}` });
}

function loadOrCreate(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

/**
 * The env file `wrangler dev --env-file` reads: the Worker's secrets, outside the repo.
 * Single-quoted, so dotenv takes JSON values (the keys) as they are.
 */
export function writeWorkerEnv(path: string, values: Record<string, string>): void {
  const lines = Object.entries(values).map(([k, v]) => {
    if (/['\n\r]/.test(v)) throw new Error(`${k}: a worker env value cannot hold a quote or a newline`);
    return `${k}='${v}'`;
  });
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}
