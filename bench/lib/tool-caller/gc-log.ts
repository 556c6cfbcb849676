/** The environment that makes Bun's engine (JSC) log each garbage collection on stderr. */
export const GC_LOG_ENV = { BUN_JSC_logGC: '1' };

/** One stop-the-world pause of the caller's collector. */
export interface GcPause {
  /** When its log line reached us, ms since the epoch: the line is written as the pause ends. */
  at: number;
  ms: number;
  /** Of a full collection (else an eden one, of the young objects only). */
  full: boolean;
}

/**
 * The caller's GC pauses, read off JSC's own log (GC_LOG_ENV): Bun has no perf_hooks `gc`
 * entries, but its engine logs every collection, a line per pause with its length (`p=1.32ms`),
 * the kind in the line that starts a cycle (`=> EdenCollection`, `=> FullCollection`).
 */
export class GcLog {
  readonly pauses: GcPause[] = [];
  private full = false;

  /** Takes `line` if it is the collector's (true), noting its pauses; false for any other line. */
  take(line: string, at: number): boolean {
    if (!/^(\[GC<|GC END!|Requesting GC )/.test(line)) return false;
    const kind = /=> (Eden|Full)Collection/.exec(line);
    if (kind) this.full = kind[1] === 'Full';
    for (const pause of line.matchAll(/\bp=([\d.]+)ms/g)) this.pauses.push({ at, ms: Number(pause[1]), full: this.full });
    return true;
  }
}
