/**
 * Calls taken ahead from a caller's bucket by the isolate that serves it, so a caller making
 * calls in quick succession (an NPC's tool rounds) does not wait on the limiter's round trip
 * for each. Still counted in the Durable Object: every call made was first taken from its
 * bucket there, so all isolates together never pass more than the limit; what an isolate
 * holds and does not make in time goes back with its next take. A caller's first call, and
 * any after a pause, takes just itself, exactly as without leases; only a caller whose lease
 * ran out while still valid takes more next time (doubling, at most MAX_LEASE), and once half
 * of one is made the next is taken beside the calls rather than before one.
 */
import type { RateVerdict } from './rate-limiter.ts';

/**
 * How long taken calls stay usable. A call is made at most twice this after its token left
 * the bucket (a lease taken ahead is joined to the last one's rest), so a caller's calls in
 * any window exceed the bucket's own bound by at most a second's refill of its limit.
 */
export const LEASE_MS = 500;
/** The most calls one take asks for. */
export const MAX_LEASE = 8;
/** Leases kept at most; past it, those no longer valid are dropped, then the oldest (their calls are lost, never doubled). */
const MAX_LEASES = 4096;

interface Lease {
  /** Calls taken and not yet made. */
  left: number;
  /** Until when they may be made (epoch ms). */
  until: number;
  /** How many the last take asked for. */
  size: number;
  /** The take under way (only the request that made it awaits it). */
  pending?: Promise<unknown>;
}

/** The limiter's take for this caller: up to `count` calls, after giving back `returned`. */
export type Take = (count: number, returned: number) => Promise<RateVerdict>;

const leases = new Map<string, Lease>();

/**
 * Whether one call of the caller at `address` may pass, and if not when one would. A take
 * made ahead runs in `background` (the request's waitUntil). Throws what `take` throws when
 * the call was taken from the limiter.
 */
export async function leasedCall(address: string, take: Take, background: (work: Promise<unknown>) => void): Promise<Pick<RateVerdict, 'allowed' | 'retryAfterMs'>> {
  const lease = leases.get(address);
  if (lease && lease.left > 0 && Date.now() < lease.until) {
    lease.left--;
    if (!lease.pending && lease.left <= lease.size / 2) {
      const ahead = takeFor(address, lease, take, Math.min(MAX_LEASE, lease.size * 2), false).catch(() => undefined);
      background(ahead);
    }
    return { allowed: true, retryAfterMs: 0 };
  }
  // Another request's take is under way. Its promise is that request's I/O, which Workers let
  // no other request wait on, so this call is taken alone, exactly as without leases.
  if (lease?.pending) return take(1, 0);
  const valid = lease !== undefined && Date.now() < lease.until;
  return takeFor(address, lease ?? newLease(address), take, valid ? Math.min(MAX_LEASE, lease.size * 2) : 1, true);
}

function newLease(address: string): Lease {
  if (leases.size >= MAX_LEASES) {
    const now = Date.now();
    for (const [key, lease] of leases) if (!lease.pending && lease.until <= now) leases.delete(key);
    if (leases.size >= MAX_LEASES) leases.delete(leases.keys().next().value!);
  }
  const lease: Lease = { left: 0, until: 0, size: 1 };
  leases.set(address, lease);
  return lease;
}

/** Takes `size` calls into `lease`, one of them this call's when `forThisCall`. */
async function takeFor(address: string, lease: Lease, take: Take, size: number, forThisCall: boolean): Promise<Pick<RateVerdict, 'allowed' | 'retryAfterMs'>> {
  const sent = Date.now();
  // Calls of a lease no longer valid were never made: they go back.
  const returned = sent < lease.until ? 0 : lease.left;
  if (returned > 0) lease.left = 0;
  lease.size = size;
  const taking = take(size, returned);
  lease.pending = taking;
  try {
    const verdict = await taking;
    if (!verdict.allowed) {
      lease.size = 1;
      return verdict;
    }
    lease.left += verdict.granted - (forThisCall ? 1 : 0);
    lease.until = sent + LEASE_MS;
    return verdict;
  } finally {
    lease.pending = undefined;
  }
}
