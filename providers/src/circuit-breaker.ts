/**
 * Circuit breaker per key (a voice node for the edge's Fleet, a provider instance
 * here): after `threshold` consecutive failures, requests to that key fail at once
 * for `coolDownMs`, instead of each waiting out a timeout. After the cool-down the
 * next request goes through; one more failure opens the circuit again, a success closes it.
 */
export class CircuitBreaker {
  private readonly failures = new Map<string, { count: number; openUntil: number }>();
  private readonly threshold: number;
  private readonly coolDownMs: number;

  constructor(threshold = 3, coolDownMs = 10_000) {
    this.threshold = threshold;
    this.coolDownMs = coolDownMs;
  }

  isOpen(key: string, now = Date.now()): boolean {
    return (this.failures.get(key)?.openUntil ?? 0) > now;
  }

  success(key: string): void {
    this.failures.delete(key);
  }

  failure(key: string, now = Date.now()): void {
    const state = this.failures.get(key) ?? { count: 0, openUntil: 0 };
    state.count++;
    if (state.count >= this.threshold) state.openUntil = now + this.coolDownMs;
    this.failures.set(key, state);
  }
}
