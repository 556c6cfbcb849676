/**
 * Exponential backoff with full jitter: the n-th consecutive retry waits a random
 * time in [0, min(cap, base * 2^n)), so a fleet of nodes that lost the edge at the
 * same moment does not reconnect in lockstep.
 */

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call widens the window until the cap. */
  next(): number;
  /** Back to the first window, after a connection proved stable. */
  reset(): void;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const { baseMs = 250, capMs = 30_000, random = Math.random } = options;
  let attempt = 0;
  return {
    next() {
      const window = Math.min(capMs, baseMs * 2 ** attempt);
      if (window < capMs) attempt += 1;
      return Math.floor(random() * window);
    },
    reset() {
      attempt = 0;
    },
  };
}
