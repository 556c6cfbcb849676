import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';

export interface InstallSecrets {
  adminKey: string;
  secretKeys: string;
  mediaUrlSecret: string;
}

/**
 * This install's admin key, secret-encryption keyring and media-URL signing secret: generated on first
 * start, kept under the data folder (readable by the owner only), never in the repo.
 */
export function loadOrCreateInstallSecrets(dataDir: string): InstallSecrets {
  mkdirSync(dataDir, { recursive: true });
  return {
    adminKey: loadOrCreate(join(dataDir, 'admin-key'), () => `gx_admin_${randomBytes(24).toString('base64url')}`),
    secretKeys: loadOrCreate(join(dataDir, 'secret-keys'), () => generateKeySpec('k1')),
    mediaUrlSecret: loadOrCreate(join(dataDir, 'media-url-secret'), () => randomBytes(32).toString('base64url')),
  };
}

function loadOrCreate(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The env file `wrangler dev --env-file` reads: the Worker's secrets, outside the repo. */
export function writeWorkerEnv(path: string, values: Record<string, string>): void {
  const lines = Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}
