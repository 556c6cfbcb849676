import {
  exceedsUtf8Bytes,
  MAX_TRANSCRIPT_BATCH_BYTES,
  MAX_TRANSCRIPT_ENTRIES,
  TokenBucket,
  TRANSCRIPT_NODE_BUDGET,
  TRANSCRIPT_SESSION_BUDGET,
  type EdgeError,
  type Logger,
  type NodeMessage,
  type TranscriptEntry,
} from '@glyphoxa/protocol';

/** Lines wait at most this long to go out together (batched, not delayed). */
const BATCH_MS = 1000;
/** A batch sent longer ago than this is taken as stored: the edge refuses within its database deadline. */
const REFUSAL_WINDOW_MS = 15_000;
/** While the edge is out of reach, lines wait here and are looked at again this often. */
const RECONNECT_POLL_MS = 500;
/** A session that ends waits at most this long for its last lines to be taken. */
const DRAIN_TIMEOUT_MS = 20_000;

interface Lane {
  queue: TranscriptEntry[];
  /** Sent batches by `seq`, kept until the refusal window has passed. */
  sent: Map<number, { entries: TranscriptEntry[]; at: number }>;
  seq: number;
  budget: TokenBucket;
  /** Nothing goes out before this (a refusal asked to wait). */
  holdUntil: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The edge refused one of its batches: when it ends, it waits until its last ones are taken. */
  refused: boolean;
  drained: (() => void) | undefined;
}

/**
 * Every session's transcript on its way to the edge: lines in batches (at most
 * MAX_TRANSCRIPT_ENTRIES and MAX_TRANSCRIPT_BATCH_BYTES), paced by the budgets the edge
 * enforces (protocol/limits.ts), each batch numbered. A batch the edge refuses with
 * `retry_after_ms` (over budget, or not stored) is put back and sent again after that
 * long; while the edge is out of reach lines wait here. A session that ends is reported
 * only once its lines are out. One per node, so the node's own budget is shared by its
 * sessions, and a refusal that arrives after its session ended still finds its batch.
 */
export function createTranscriptOutbox(send: (message: NodeMessage) => void, log: Logger, connected: () => boolean = () => true) {
  const lanes = new Map<string, Lane>();
  const node = new TokenBucket(TRANSCRIPT_NODE_BUDGET, Date.now());

  const lane = (sessionId: string): Lane => {
    let found = lanes.get(sessionId);
    if (!found) {
      found = { queue: [], sent: new Map(), seq: 0, budget: new TokenBucket(TRANSCRIPT_SESSION_BUDGET, Date.now()), holdUntil: 0, timer: undefined, refused: false, drained: undefined };
      lanes.set(sessionId, found);
    }
    return found;
  };

  const schedule = (sessionId: string, l: Lane, ms: number) => {
    clearTimeout(l.timer);
    l.timer = setTimeout(() => pump(sessionId), Math.max(0, ms));
  };

  /** Sends what the budgets allow now; sets a timer for the rest, and for a drain's last check. */
  const pump = (sessionId: string): void => {
    const l = lanes.get(sessionId);
    if (!l) return;
    clearTimeout(l.timer);
    l.timer = undefined;
    const now = Date.now();
    for (const [seq, batch] of l.sent) if (now - batch.at >= REFUSAL_WINDOW_MS) l.sent.delete(seq);
    if (now < l.holdUntil) return schedule(sessionId, l, l.holdUntil - now);
    // Held here while the link is down, not in its outbox, which is bounded and keeps no seq.
    if (l.queue.length > 0 && !connected()) return schedule(sessionId, l, RECONNECT_POLL_MS);
    while (l.queue.length > 0) {
      const entries = nextBatch(sessionId, l.queue);
      const wait = Math.max(l.budget.wait(entries.length, now), node.wait(entries.length, now));
      if (wait > 0) return schedule(sessionId, l, wait);
      l.queue.splice(0, entries.length);
      l.budget.take(entries.length, now);
      node.take(entries.length, now);
      l.seq += 1;
      l.sent.set(l.seq, { entries, at: now });
      send({ type: 'transcript', session_id: sessionId, seq: l.seq, entries });
    }
    if (!l.drained) return;
    // Drained once nothing waits; after a refusal, also once nothing sent may still be refused.
    const oldest = Math.min(...[...l.sent.values()].map((b) => b.at));
    if (l.refused && l.sent.size > 0) return schedule(sessionId, l, oldest + REFUSAL_WINDOW_MS - now);
    l.drained();
  };

  return {
    /** Queues a line; it goes out within BATCH_MS, at once when a batch is full. */
    add(sessionId: string, entry: TranscriptEntry): void {
      const l = lane(sessionId);
      l.queue.push(entry);
      if (l.queue.length >= MAX_TRANSCRIPT_ENTRIES) pump(sessionId);
      else if (!l.timer) schedule(sessionId, l, BATCH_MS);
    },

    /**
     * Sends the session's remaining lines and resolves once they are out (and, for a session
     * the edge has refused before, no longer refusable), at most DRAIN_TIMEOUT_MS; then forgets it.
     */
    drain(sessionId: string): Promise<void> {
      const l = lanes.get(sessionId);
      if (!l) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timeout = setTimeout(() => {
          if (l.queue.length > 0) log.error('transcript lines not sent before the session ended', { session_id: sessionId, lines: l.queue.length });
          finish();
        }, DRAIN_TIMEOUT_MS);
        const finish = () => {
          clearTimeout(timeout);
          clearTimeout(l.timer);
          lanes.delete(sessionId);
          resolve();
        };
        l.drained = finish;
        pump(sessionId);
      });
    },

    /** An `error` from the edge; true when it refused one of our transcript batches (which then goes again). */
    refused(error: EdgeError): boolean {
      if (error.request_type !== 'transcript' || !error.session_id || error.seq === undefined) return false;
      const l = lanes.get(error.session_id);
      const batch = l?.sent.get(error.seq);
      if (!l || !batch) {
        log.error('transcript batch refused after it was given up', { session_id: error.session_id, seq: error.seq, code: error.code });
        return true;
      }
      l.sent.delete(error.seq);
      if (error.retry_after_ms === undefined) {
        log.error('transcript batch refused for good', { session_id: error.session_id, seq: error.seq, code: error.code, lines: batch.entries.length, error: error.message });
        return true;
      }
      log.debug('transcript batch refused; sending it again', { session_id: error.session_id, seq: error.seq, code: error.code, retry_after_ms: error.retry_after_ms });
      l.refused = true;
      // Back in front, in the order spoken; the budget it took is spent, as the edge's was not.
      l.queue.unshift(...batch.entries);
      l.holdUntil = Math.max(l.holdUntil, Date.now() + error.retry_after_ms);
      pump(error.session_id);
      return true;
    },
  };
}

export type TranscriptOutbox = ReturnType<typeof createTranscriptOutbox>;

/** The next batch from the front of `queue`: at most a message's entries and bytes (a line alone always fits: text is capped). */
function nextBatch(sessionId: string, queue: TranscriptEntry[]): TranscriptEntry[] {
  const batch = queue.slice(0, MAX_TRANSCRIPT_ENTRIES);
  while (batch.length > 1 && exceedsUtf8Bytes(JSON.stringify({ type: 'transcript', session_id: sessionId, seq: Number.MAX_SAFE_INTEGER, entries: batch }), MAX_TRANSCRIPT_BATCH_BYTES)) {
    batch.length = Math.ceil(batch.length / 2);
  }
  return batch;
}
