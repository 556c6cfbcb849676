/** The node-reported quantities, as the usage tables name them. */
export interface NodeUsage {
  llmTokens: number;
  sttSeconds: number;
  ttsChars: number;
  toolCalls: number;
}

/**
 * The most a session may use in an hour of its time, by what a node reports: several
 * times what a busy table spends (a few hundred NPC turns, every player heard at once).
 * Nodes in dedicated pools may be self-hosted, so their numbers are input, not truth.
 */
export const USAGE_PER_SESSION_HOUR: NodeUsage = { llmTokens: 2_000_000, sttSeconds: 10 * 3600, ttsChars: 500_000, toolCalls: 20_000 };

/** A session's first minutes count as this much of an hour, so its opening turns are never short of allowance. */
const MIN_HOURS = 0.25;

/** The first quantity of `totals` (a session's, so far) beyond what `hours` of its time allow; undefined when within. */
export function usageOverBound(totals: NodeUsage, hours: number): keyof NodeUsage | undefined {
  const allowed = Math.max(hours, MIN_HOURS);
  return (Object.keys(USAGE_PER_SESSION_HOUR) as Array<keyof NodeUsage>).find((key) => totals[key] > USAGE_PER_SESSION_HOUR[key] * allowed);
}
