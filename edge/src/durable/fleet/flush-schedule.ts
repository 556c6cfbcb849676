/**
 * When each tenant with sessions placed in a pool next has its usage flush due, as its
 * coordinator last said (see `Fleet.alarm`): the Fleet's sweep wakes the coordinators whose
 * flush fell due, handing them their sessions' listings, so an idle coordinator wakes once a
 * flush period by one call and sets no alarm of its own for it. Kept in memory only: a
 * restarted Fleet spreads its tenants' first due times over one period (a coordinator whose
 * flush is not due yet answers when it is), and every coordinator keeps a later alarm of its
 * own in case the sweep never comes.
 */
export class FlushSchedule {
  private readonly dueAt = new Map<string, number>();
  private readonly periodMs: number;
  private readonly spread: () => number;

  /** `spread`: a share of the period in [0, 1) for a tenant not known yet after a restart. */
  constructor(periodMs: number, spread: () => number = Math.random) {
    this.periodMs = periodMs;
    this.spread = spread;
  }

  /** A session of the tenant was placed at `now`: its coordinator started (or kept) its flush clock by then. */
  placed(tenantId: string, now: number): void {
    if (!this.dueAt.has(tenantId)) this.dueAt.set(tenantId, now + this.periodMs);
  }

  /** Whether the tenant's flush is due at `now` (a tenant not known yet is given a due time first). */
  due(tenantId: string, now: number): boolean {
    let at = this.dueAt.get(tenantId);
    if (at === undefined) {
      at = now + Math.floor(this.spread() * this.periodMs);
      this.dueAt.set(tenantId, at);
    }
    return at <= now;
  }

  /** The coordinator's answer: when its next flush falls due (null: nothing to flush, asked again a period on). */
  answered(tenantId: string, nextDueAt: number | null, now: number): void {
    this.dueAt.set(tenantId, nextDueAt ?? now + this.periodMs);
  }

  /** Forgets the tenants with nothing placed here any more. */
  keepOnly(tenantIds: ReadonlySet<string>): void {
    for (const tenantId of this.dueAt.keys()) if (!tenantIds.has(tenantId)) this.dueAt.delete(tenantId);
  }
}
