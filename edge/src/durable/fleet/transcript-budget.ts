import { TokenBucket, TRANSCRIPT_NODE_BUDGET, TRANSCRIPT_SESSION_BUDGET } from '@glyphoxa/protocol';

/**
 * What the Fleet takes in transcript lines: each session and each node has a budget
 * (protocol/limits.ts), so one node's flood costs the database, and every other tenant
 * behind it, no more than a busy table would. Kept in memory: after a restart every
 * budget starts full, which costs at most one burst.
 */
export class TranscriptBudgets {
  private readonly sessions = new Map<string, TokenBucket>();
  private readonly nodes = new Map<string, TokenBucket>();

  /** Takes `lines` from the session's and its node's budget: 0, or how long until both have room (nothing taken). */
  admit(nodeId: string, sessionId: string, lines: number, now: number): number {
    const session = bucket(this.sessions, sessionId, TRANSCRIPT_SESSION_BUDGET, now);
    const node = bucket(this.nodes, nodeId, TRANSCRIPT_NODE_BUDGET, now);
    const wait = Math.max(session.wait(lines, now), node.wait(lines, now));
    if (wait > 0) return wait;
    session.take(lines, now);
    node.take(lines, now);
    return 0;
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  forgetNode(nodeId: string): void {
    this.nodes.delete(nodeId);
  }
}

function bucket(map: Map<string, TokenBucket>, key: string, budget: { linesPerSecond: number; burst: number }, now: number): TokenBucket {
  let found = map.get(key);
  if (!found) map.set(key, (found = new TokenBucket(budget, now)));
  return found;
}
