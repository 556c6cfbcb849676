import type { Database } from '@glyphoxa/db';
import type { Logger } from './log.ts';

/** Bindings declared in wrangler.toml, plus the secrets set with `wrangler secret put`. */
export interface Bindings {
  HYPERDRIVE: Hyperdrive;
  TENANT_COORDINATOR: DurableObjectNamespace;
  FLEET: DurableObjectNamespace;
  VOICE_SAMPLES: R2Bucket;
  ASSETS: Fetcher;
  /** Operator bearer key for /admin. */
  ADMIN_KEY: string;
  /** Secret-encryption keyring, see secrets/keyring.ts. */
  SECRET_KEYS: string;
}

export interface Variables {
  log: Logger;
  /** Opens this request's Postgres client on first use. */
  db: () => Database;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
