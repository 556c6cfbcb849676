/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. The edge bounds what a
 * node may send with it and the node paces itself with the same numbers, so an honest node
 * is never refused.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(budget: { linesPerSecond: number; burst: number }, now: number) {
    this.perSecond = budget.linesPerSecond;
    this.burst = budget.burst;
    this.tokens = budget.burst;
    this.at = now;
  }

  /** How long until `n` tokens are there (0: now); more than the burst never are, so it is capped to it. */
  wait(n: number, now: number): number {
    this.refill(now);
    const missing = Math.min(n, this.burst) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.perSecond) * 1000);
  }

  take(n: number, now: number): void {
    this.refill(now);
    this.tokens -= Math.min(n, this.burst);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
  }
}
