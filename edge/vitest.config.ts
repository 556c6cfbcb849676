import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig, defineProject } from 'vitest/config';
import { hyperdriveConnectionString } from '../db/src/connection-url.ts';
import { isPostgresSocketClose } from './src/postgres-socket-close.ts';
import { startElevenLabsStandIn, startOpenAiStandIn } from '../providers/test/stand-ins/index.ts';
import { DATABASE_DOOR_HOST, startDatabaseDoor } from './test/database-door.ts';
import { ACCESS_TOKEN_BINDINGS } from './test/helpers/access-keys.ts';
import { DISCORD_STAND_IN_BASE, DISCORD_STAND_IN_HOST, discordStandIn } from './test/discord-stand-in.ts';
import { DISCORD_OAUTH_CLIENT } from './test/oauth/discord-oauth.ts';
import { GITHUB_API_HOST, GITHUB_HOST, GITHUB_OAUTH_CLIENT, githubStandIn } from './test/oauth/github-stand-in.ts';
import { GOOGLE_OAUTH_CLIENT, startGoogleStandIn } from './test/oauth/google-stand-in.ts';
import { OPENAPI_VALIDATOR_HOST, validateOpenApi } from './test/openapi-validator.ts';
import { DNS_STAND_IN_HOST, dnsStandIn, startToolServers, TOOL_SERVERS_HOST } from './test/tool-server-stand-in.ts';
import { startStripeStandIn, stripeBindings } from './test/stripe/stand-in.ts';
import { ELEVENLABS_STAND_IN_HOST, ELEVENLABS_STAND_IN_KEY, LLM_STAND_IN_HOST, LLM_STAND_IN_KEY, LLM_STAND_IN_REPLY, forward, standInRoute } from './test/vendor-stand-ins.ts';

// Edge tests run inside workerd with the real wrangler.toml; Hyperdrive points at
// the database `npm test` provisioned (embedded PGlite or DATABASE_URL).
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is not set: run the edge tests through `npm test`');

// Recaps ask the tenant's LLM: a real OpenAI-compatible server with a scripted answer.
const llm = await startOpenAiStandIn({ apiKey: LLM_STAND_IN_KEY, reply: () => LLM_STAND_IN_REPLY });
// Voice cloning asks the tenant's ElevenLabs.
const elevenLabs = await startElevenLabsStandIn({ apiKey: ELEVENLABS_STAND_IN_KEY });
// Sign-in with Google: a real OpenID Connect server (Discord's and GitHub's sign-in are stand-ins on their hosts).
const google = await startGoogleStandIn();

// Tenants' MCP tool servers (the SDK's own server, and broken ones) for /mcp to proxy.
const toolServers = await startToolServers();
// Billing's tests: Stripe's API answered by a stand-in (a real server; the Worker reaches it at its address).
const stripe = await startStripeStandIn();

// Outage tests reach the same database through a door they can shut.
const databaseDoor = await startDatabaseDoor(databaseUrl);

/** Billing's tests need it enabled (a Stripe key set); every other suite runs as a self-hosted install, unlimited. */
const BILLING_TESTS = 'test/billing/**/*.test.ts';

/** The Worker and its Durable Objects, inside workerd; `bindings` over the suite's own. */
const workerdProject = (name: string, include: string[], exclude: string[], bindings: Record<string, string>) => defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: '../wrangler.toml' },
      miniflare: {
        hyperdrives: { HYPERDRIVE: hyperdriveConnectionString(databaseUrl) },
        // The Worker's outbound requests: Discord's REST API, the sign-in providers and the tenants' vendors go to stand-ins.
        outboundService: (outbound) => {
          const request = outbound as unknown as Request;
          const host = new URL(request.url).hostname;
          if (host === DISCORD_STAND_IN_HOST) return discordStandIn(request);
          if (host === LLM_STAND_IN_HOST) return standInRoute(llm, request);
          if (host === ELEVENLABS_STAND_IN_HOST) return standInRoute(elevenLabs, request);
          if (host === GITHUB_HOST || host === GITHUB_API_HOST) return githubStandIn(request);
          if (host === DATABASE_DOOR_HOST) return databaseDoor.route(request);
          if (host === OPENAPI_VALIDATOR_HOST) return validateOpenApi(request);
          if (host === TOOL_SERVERS_HOST) return forward(`${toolServers.origin}${new URL(request.url).pathname}`, request);
          if (host === DNS_STAND_IN_HOST) return dnsStandIn(request);
          return forward(request.url, request);
        },
        bindings: {
          ADMIN_KEY: 'test-admin-key',
          ...ACCESS_TOKEN_BINDINGS,
          LOCAL_SIGN_IN: 'on',
          DISCORD_API_BASE: DISCORD_STAND_IN_BASE,
          // Fast control-plane timings, so timeouts happen within a test.
          HEARTBEAT_TIMEOUT_MS: '1500',
          HEARTBEAT_INTERVAL_MS: '500',
          ALARM_INTERVAL_MS: '60000',
          NODE_REQUEST_TIMEOUT_MS: '1000',
          USAGE_FLUSH_INTERVAL_MS: '1',
          START_DATABASE_DEADLINE_MS: '3000',
          // One workerd serves every file (isolate: false below): idle Durable Objects let go of their
          // Postgres connections, as under wrangler dev (scripts/lib/system.ts), or the files' add up past max_connections.
          DB_IDLE_TIMEOUT_S: '0.5',
          // The suite calls as few users from one address many times a minute; test/rate-limits.test.ts holds the defaults.
          RATE_LIMIT_AUTH_PER_MINUTE: '100000',
          RATE_LIMIT_API_PER_MINUTE: '100000',
          RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE: '100000',
          RATE_LIMIT_MCP_PER_MINUTE: '100000',
          // Tool servers here are local stand-ins; test/mcp-servers.test.ts calls the Worker without this to prove the refusal.
          MCP_ALLOW_PRIVATE_URLS: 'on',
          MCP_DNS_RESOLVER: `http://${DNS_STAND_IN_HOST}/dns-query`,
          // Sign-in: every provider configured, each endpoint pointed at its local server.
          PUBLIC_BASE_URL: 'http://edge.test',
          DISCORD_OAUTH_CLIENT_ID: DISCORD_OAUTH_CLIENT.id,
          DISCORD_OAUTH_CLIENT_SECRET: DISCORD_OAUTH_CLIENT.secret,
          DISCORD_OAUTH_AUTHORIZE_URL: `http://${DISCORD_STAND_IN_HOST}/oauth2/authorize`,
          DISCORD_OAUTH_TOKEN_URL: `${DISCORD_STAND_IN_BASE}/oauth2/token`,
          GOOGLE_OAUTH_CLIENT_ID: GOOGLE_OAUTH_CLIENT.id,
          GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE_OAUTH_CLIENT.secret,
          GOOGLE_OAUTH_AUTHORIZE_URL: `${google.issuer}/authorize`,
          GOOGLE_OAUTH_TOKEN_URL: `${google.issuer}/token`,
          GOOGLE_OAUTH_JWKS_URL: `${google.issuer}/jwks`,
          GOOGLE_OAUTH_ISSUER: google.issuer,
          GITHUB_OAUTH_CLIENT_ID: GITHUB_OAUTH_CLIENT.id,
          GITHUB_OAUTH_CLIENT_SECRET: GITHUB_OAUTH_CLIENT.secret,
          GITHUB_OAUTH_AUTHORIZE_URL: `http://${GITHUB_HOST}/login/oauth/authorize`,
          GITHUB_OAUTH_TOKEN_URL: `http://${GITHUB_HOST}/login/oauth/access_token`,
          GITHUB_API_BASE: `http://${GITHUB_API_HOST}`,
          MEDIA_URL_SECRET: 'test-media-url-secret',
          // Two keys: k2 seals, k1 still opens what it sealed (rotation).
          SECRET_KEYS:
            'k2:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,k1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=',
          ...bindings,
        },
      },
    }),
  ],
  test: {
    name,
    include,
    exclude,
    setupFiles: ['./test/setup/load-worker.ts'],
    // The files run one after another in one workerd (per vitest worker) instead of a new one
    // each: starting workerd and loading the Worker cost seconds a file. They share its Durable
    // Objects as they share the database, each file working on tenants of its own (helpers/admin.ts).
    isolate: false,
    testTimeout: 20_000,
    // A runtime's first request loads the Worker (test/setup/load-worker.ts): on a busy machine that alone takes seconds.
    hookTimeout: 60_000,
    // Durable Objects log after a file's last test (sockets closing); intercepting those
    // logs races the file's teardown.
    disableConsoleIntercept: true,
  },
});

const workerd = workerdProject('edge', ['test/**/*.test.ts'], [BILLING_TESTS], {});
const billing = workerdProject('edge-billing', [BILLING_TESTS], [], stripeBindings(stripe.url));

/** Pure modules (the Durable Objects' policies) with their tests beside them: no workerd needed. */
const policies = defineProject({ test: { name: 'edge-policies', include: ['src/**/*.test.ts'], environment: 'node' } });

export default defineConfig({
  // The stand-ins' servers would keep vitest from exiting.
  plugins: [{ name: 'stand-ins', closeBundle: () => Promise.all([llm.close(), elevenLabs.close(), google.close(), databaseDoor.close(), toolServers.close(), stripe.close()]).then(() => {}) }],
  test: {
    projects: [workerd, billing, policies],
    // As the Worker does (src/index.ts): a Durable Object dropping a stalled connection triggers it.
    onUnhandledError: (error) => !isPostgresSocketClose(error),
  },
});
