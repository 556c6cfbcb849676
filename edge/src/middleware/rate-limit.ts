import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Bindings } from '../env.ts';
import { errorBody } from '../errors.ts';
import { actorOf } from '../principal.ts';
import { leasedCall } from '../durable/rate-limiter/lease.ts';
import { shardOf } from '../durable/rate-limiter/shard.ts';

const WINDOW_MS = 60_000;

/** A limit: its name (part of each counter's address), its default a minute, the variable that overrides it, whom it counts. */
export interface RateLimit {
  name: string;
  perMinute: number;
  variable: RateLimitVariable;
  /** The caller a counter is kept for. */
  caller: (c: Context<AppEnv>) => string;
  /** Calls taken ahead by the isolate for a caller in quick succession (durable/rate-limiter/lease.ts). */
  leased?: boolean;
}

type RateLimitVariable = 'RATE_LIMIT_AUTH_PER_MINUTE' | 'RATE_LIMIT_API_PER_MINUTE' | 'RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE' | 'RATE_LIMIT_MCP_PER_MINUTE';

/** The address Cloudflare saw the request from (one bucket for callers it did not name). */
const ip = (c: Context<AppEnv>) => `ip:${c.req.header('cf-connecting-ip') ?? 'unknown'}`;
/** The principal `authenticate` set (a user or a key, each counted alone); the address before it. */
const principalOrIp = (c: Context<AppEnv>) => (c.var.principal ? actorOf(c.var.principal) : ip(c));

/** Sign-in, refresh and logout, per address: what guessing and flooding go through. */
export const AUTH_RATE_LIMIT: RateLimit = { name: 'auth', perMinute: 10, variable: 'RATE_LIMIT_AUTH_PER_MINUTE', caller: ip };
/** Every /api call, per signed-in user or API key (per address where none is needed). */
export const API_RATE_LIMIT: RateLimit = { name: 'api', perMinute: 60, variable: 'RATE_LIMIT_API_PER_MINUTE', caller: principalOrIp };
/** Speech made on demand (an NPC's voice preview), per user: each costs a TTS call. Apply after `authenticate`. */
export const VOICE_PREVIEW_RATE_LIMIT: RateLimit = { name: 'voice_preview', perMinute: 5, variable: 'RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE', caller: principalOrIp };

/**
 * NPC tool calls at /mcp, per NPC of a session (what its tool tokens name, whichever token of
 * them): a looping model is held back before it floods the tenant's tool servers. Apply
 * after the token is verified (routes/mcp.ts sets the `toolCaller`).
 */
export const MCP_RATE_LIMIT: RateLimit = {
  name: 'mcp',
  perMinute: 120,
  variable: 'RATE_LIMIT_MCP_PER_MINUTE',
  caller: (c) => `session:${c.var.toolCaller.sessionId}:npc:${c.var.toolCaller.npcId}`,
  // A tool round is several calls at once or in a row: one limiter round trip each was ~15 % of a call's CPU (docs/BENCHMARKS.md).
  leased: true,
};

/** The limit a minute in force: the variable when it is a positive whole number, else the default. */
export function perMinute(limit: RateLimit, env: Partial<Bindings>): number {
  const configured = Number(env[limit.variable]);
  return Number.isInteger(configured) && configured > 0 ? configured : limit.perMinute;
}

/** The counter `address` (`<limit>:<caller>`) names: the RateLimiter object of its shard, and its key there. */
export function limiterOf(env: Bindings, address: string) {
  return env.RATE_LIMITER.getByName(`shard:${shardOf(address)}`);
}

/**
 * Counts the call against `limit` in the caller's counter (a RateLimiter Durable Object's); over it, a
 * 429 with `Retry-After` (whole seconds until a call would pass) and the error body. A
 * limiter that cannot be reached lets the call through (logged): the limit guards the
 * service, it must not be what takes it down.
 */
export function rateLimit(limit: RateLimit): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => (await rateLimitRefusal(c, limit)) ?? next());
}

/**
 * The check `rateLimit` makes, as a value: the 429 to answer with, or null when the call may
 * pass. A door whose work is safe to start before the verdict (routes/mcp.ts, for tools that
 * only read) awaits it beside the work instead of before it.
 */
export async function rateLimitRefusal(c: Context<AppEnv>, limit: RateLimit): Promise<Response | null> {
  const allowed = perMinute(limit, c.env);
  let verdict;
  const started = performance.now();
  try {
    const address = `${limit.name}:${limit.caller(c)}`;
    const take = (count = 1, returned = 0) => limiterOf(c.env, address).take(address, allowed, WINDOW_MS, count, returned);
    verdict = await (limit.leased ? leasedCall(address, take, (work) => c.executionCtx.waitUntil(work)) : take());
    // What the check cost this call, for browsers' developer tools and the benches.
    c.header('Server-Timing', `ratelimit-${limit.name};dur=${(performance.now() - started).toFixed(2)}`, { append: true });
  } catch (error) {
    c.var.log.warn('rate limiter unreachable; call let through', { limit: limit.name, error: String(error) });
    return null;
  }
  if (verdict.allowed) return null;
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  return c.json(errorBody('rate_limited', `Too many requests: at most ${allowed} a minute (${limit.name}); retry in ${seconds} s`), 429, { 'retry-after': String(seconds) });
}
