import type { Bindings } from '../../env.ts';
import { isAddress, nonPublicRange } from './address-ranges.ts';

const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';
const RESOLVE_TIMEOUT_MS = 2_000;
/** DNS record types in the JSON answer: the addresses a name resolves to. */
const A = 1;
const AAAA = 28;

type GuardEnv = Pick<Bindings, 'MCP_ALLOW_PRIVATE_URLS' | 'MCP_DNS_RESOLVER'>;

/** Whether this configuration lets tool servers sit on private networks (local development and tests). */
export const privateUrlsAllowed = (env: GuardEnv) => env.MCP_ALLOW_PRIVATE_URLS === 'on';

/**
 * Why the edge will not call a tool server at `url`, or null when it will. In production
 * configuration the server must be on https at a public address: a literal address is
 * judged as it is, a name by every A and AAAA record it resolves to (over DNS-over-HTTPS,
 * as a Worker has no resolver of its own), so a tenant cannot aim the edge at loopback, a
 * private network or cloud metadata. A name that does not resolve is refused too.
 * Checked when the server is saved and again before each call (names move).
 */
export async function urlRefusal(env: GuardEnv, url: URL): Promise<string | null> {
  if (privateUrlsAllowed(env)) return null;
  if (url.protocol !== 'https:') return 'Tool servers are reached over https only';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${url.hostname} is a loopback address`;
  if (isAddress(host)) {
    const range = nonPublicRange(host);
    return range ? `${url.hostname} is a ${range} address` : null;
  }
  const addresses = await resolve(env, host);
  if (addresses === null) return `${url.hostname} could not be resolved`;
  if (addresses.length === 0) return `${url.hostname} does not resolve to an address`;
  for (const address of addresses) {
    const range = nonPublicRange(address);
    if (range) return `${url.hostname} resolves to ${address}, a ${range} address`;
  }
  return null;
}

/** The A and AAAA addresses of `name`; null when the resolver could not be asked. */
async function resolve(env: GuardEnv, name: string): Promise<string[] | null> {
  try {
    const answers = await Promise.all([A, AAAA].map((type) => query(env.MCP_DNS_RESOLVER ?? DEFAULT_RESOLVER, name, type)));
    return answers.flat();
  } catch {
    return null;
  }
}

async function query(resolver: string, name: string, type: number): Promise<string[]> {
  const url = new URL(resolver);
  url.searchParams.set('name', name);
  url.searchParams.set('type', String(type));
  const res = await fetch(url, { headers: { accept: 'application/dns-json' }, signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`resolver answered ${res.status}`);
  const body = (await res.json()) as { Status?: number; Answer?: Array<{ type?: number; data?: unknown }> };
  // NXDOMAIN is an answer (no addresses); any other failure is not.
  if (body.Status !== 0 && body.Status !== 3) throw new Error(`resolver status ${body.Status}`);
  return (body.Answer ?? []).filter((a) => a.type === type && typeof a.data === 'string').map((a) => a.data as string);
}
