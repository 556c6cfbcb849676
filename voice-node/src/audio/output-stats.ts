import type { Mixer, MixerStats } from './mixer.ts';

/** Outbound audio across every session of the node, live and ended, for /metrics. */
export function createOutputStats() {
  const live = new Set<Mixer>();
  const ended: MixerStats = { framesSent: 0, framesLate: 0, maxLateMs: 0, underruns: 0 };

  const add = (into: MixerStats, stats: MixerStats) => {
    into.framesSent += stats.framesSent;
    into.framesLate += stats.framesLate;
    into.underruns += stats.underruns;
    into.maxLateMs = Math.max(into.maxLateMs, stats.maxLateMs);
  };

  return {
    /** Counts a session's mixer until the returned function is called (at session end). */
    track(mixer: Mixer): () => void {
      live.add(mixer);
      return () => {
        if (live.delete(mixer)) add(ended, mixer.stats());
      };
    },
    totals(): MixerStats {
      const totals = { ...ended };
      for (const mixer of live) add(totals, mixer.stats());
      return totals;
    },
  };
}

export type OutputStats = ReturnType<typeof createOutputStats>;
