import type { Database } from '@glyphoxa/db';
import type { Fleet } from './durable/fleet/fleet.ts';
import type { RateLimiter } from './durable/rate-limiter/rate-limiter.ts';
import type { TenantCoordinator } from './durable/coordinator/tenant-coordinator.ts';
import type { Logger } from '@glyphoxa/protocol';
import type { Principal } from './principal.ts';

/** Bindings declared in wrangler.toml, plus the secrets set with `wrangler secret put`. */
export interface Bindings {
  HYPERDRIVE: Hyperdrive;
  TENANT_COORDINATOR: DurableObjectNamespace<TenantCoordinator>;
  FLEET: DurableObjectNamespace<Fleet>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  VOICE_SAMPLES: R2Bucket;
  ASSETS: Fetcher;
  /** Operator bearer key for /admin. */
  ADMIN_KEY: string;
  /** Access tokens (auth/access-token.ts): the private JWK that signs, the public JWKs (JSON array) that verify. */
  ACCESS_TOKEN_SIGNING_KEY?: string;
  ACCESS_TOKEN_PUBLIC_KEYS?: string;
  /** `on`: POST /auth/local signs anyone in by email, for local development only (scripts/start.ts). */
  LOCAL_SIGN_IN?: string;
  /** Secret-encryption keyring, see secrets/keyring.ts. */
  SECRET_KEYS: string;
  /** Signs time-limited media URLs (voice samples), see voice-samples/signed-url.ts. */
  MEDIA_URL_SECRET?: string;
  /** Control-plane timings in ms (see durable/config.ts); unset means the defaults. */
  HEARTBEAT_TIMEOUT_MS?: string;
  HEARTBEAT_INTERVAL_MS?: string;
  ALARM_INTERVAL_MS?: string;
  NODE_REQUEST_TIMEOUT_MS?: string;
  QUOTA_WARNING_MS?: string;
  USAGE_FLUSH_INTERVAL_MS?: string;
  START_DATABASE_DEADLINE_MS?: string;
  /** A campaign archive's upload and unpacked size limits, in bytes (defaults in operations/campaign-archive.ts). */
  CAMPAIGN_IMPORT_MAX_BYTES?: string;
  CAMPAIGN_IMPORT_MAX_UNPACKED_BYTES?: string;
  /** Calls a minute (middleware/rate-limit.ts); unset: 10 to /auth per address, 60 to /api per user or key, 5 voice previews per user. */
  RATE_LIMIT_AUTH_PER_MINUTE?: string;
  RATE_LIMIT_API_PER_MINUTE?: string;
  RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE?: string;
  /** Seconds after which Durable Objects drop idle Postgres connections; unset: keep them (Hyperdrive). */
  DB_IDLE_TIMEOUT_S?: string;
  /** `enabled` or `disabled` (billing/mode.ts); unset: enabled exactly when STRIPE_SECRET_KEY is set. */
  BILLING?: string;
  /** Stripe's secret API key (a secret). */
  STRIPE_SECRET_KEY?: string;
  /** The webhook endpoint's signing secret, `whsec_…` (a secret). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Each paid tier's Stripe price ids, JSON (billing/stripe-config.ts). */
  STRIPE_PRICES?: string;
  /** Stripe's API base URL; unset means https://api.stripe.com (tests: a stand-in). */
  STRIPE_API_BASE?: string;
  /** Discord's REST API base URL; unset means https://discord.com/api/v10 (tests: a stand-in). */
  DISCORD_API_BASE?: string;
  /** Where users reach the dashboard (`https://app.example.com`): OAuth redirect URIs are `<it>/auth/<provider>/callback`. */
  PUBLIC_BASE_URL?: string;
  /**
   * OAuth sign-in (auth/oauth/): a provider is offered when its client id and secret are set
   * (secrets with `wrangler secret put`). Each endpoint unset means the vendor's own; Discord's
   * user API is `DISCORD_API_BASE`.
   */
  DISCORD_OAUTH_CLIENT_ID?: string;
  DISCORD_OAUTH_CLIENT_SECRET?: string;
  DISCORD_OAUTH_AUTHORIZE_URL?: string;
  DISCORD_OAUTH_TOKEN_URL?: string;
  GOOGLE_OAUTH_CLIENT_ID?: string;
  GOOGLE_OAUTH_CLIENT_SECRET?: string;
  GOOGLE_OAUTH_AUTHORIZE_URL?: string;
  GOOGLE_OAUTH_TOKEN_URL?: string;
  GOOGLE_OAUTH_JWKS_URL?: string;
  /** The `iss` Google's ID tokens must carry. */
  GOOGLE_OAUTH_ISSUER?: string;
  GITHUB_OAUTH_CLIENT_ID?: string;
  GITHUB_OAUTH_CLIENT_SECRET?: string;
  GITHUB_OAUTH_AUTHORIZE_URL?: string;
  GITHUB_OAUTH_TOKEN_URL?: string;
  GITHUB_API_BASE?: string;
}

export interface Variables {
  log: Logger;
  /** Who is asking, set by `authenticate` (or a door's own middleware). */
  principal: Principal;
  /** Opens this request's Postgres client on first use. */
  db: () => Database;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
