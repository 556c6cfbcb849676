/**
 * A tool server's circuit breaker as plain data: closed while calls succeed; open (every
 * call refused at once) for `cooldownMs` after `failures` failures in a row; then one
 * probe call at a time is let through, whose outcome closes or reopens it.
 * Unlike the in-memory `CircuitBreaker` of providers/ (one process's view of its vendors),
 * this one is stored, shared by every isolate, and half-open lets one call through, not
 * every waiting NPC at once into a server that may still hang.
 */
export interface Circuit {
  /** Failures in a row since the last success. */
  failures: number;
  /** Until when calls are refused (ms since the epoch); 0 when closed. */
  openUntil: number;
  /** When the probe now under way was let through; 0 when none is. */
  probeAt: number;
}

export interface CircuitPolicy {
  failures: number;
  cooldownMs: number;
}

export const CLOSED: Circuit = { failures: 0, openUntil: 0, probeAt: 0 };
export const CIRCUIT_POLICY: CircuitPolicy = { failures: 3, cooldownMs: 30_000 };

export type Admission = { admitted: true; circuit: Circuit } | { admitted: false; retryAt: number; circuit: Circuit };

/** Whether a call may go to the server at `now`. */
export function admit(circuit: Circuit, now: number, policy = CIRCUIT_POLICY): Admission {
  if (circuit.openUntil === 0) return { admitted: true, circuit };
  if (now < circuit.openUntil) return { admitted: false, retryAt: circuit.openUntil, circuit };
  // Half-open: one probe; a probe that never reported (its isolate died) is given up after a cooldown.
  if (circuit.probeAt !== 0 && now < circuit.probeAt + policy.cooldownMs) return { admitted: false, retryAt: circuit.probeAt + policy.cooldownMs, circuit };
  return { admitted: true, circuit: { ...circuit, probeAt: now } };
}

/** The circuit after a call's outcome. */
export function record(circuit: Circuit, ok: boolean, now: number, policy = CIRCUIT_POLICY): Circuit {
  if (ok) return CLOSED;
  const failures = circuit.failures + 1;
  const halfOpen = circuit.openUntil !== 0;
  if (halfOpen || failures >= policy.failures) return { failures, openUntil: now + policy.cooldownMs, probeAt: 0 };
  return { failures, openUntil: 0, probeAt: 0 };
}
