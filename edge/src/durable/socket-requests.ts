// Only the breaker: the vendor SDKs stay out of the Durable Objects' startup.
import { CircuitBreaker } from '@glyphoxa/providers/circuit-breaker';

interface Waiting<Reply> {
  peer: string;
  resolve: (reply: Reply) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests sent over WebSockets that wait for the peer's reply, matched by request id:
 * each waits at most `timeoutMs`, and a peer that timed out `threshold` times in a row
 * gets none for a while (a per-peer circuit breaker), so callers fail fast instead of
 * each waiting out the timeout. Unanswered, a request resolves as `unavailable`.
 */
export class SocketRequests<Reply> {
  private readonly waiting = new Map<string, Waiting<Reply>>();
  private readonly breaker = new CircuitBreaker();
  private readonly timeoutMs: number;
  private readonly unavailable: Reply;
  private readonly onTimeout: (peer: string, requestId: string) => void;

  constructor(options: { timeoutMs: number; unavailable: Reply; onTimeout?: (peer: string, requestId: string) => void }) {
    this.timeoutMs = options.timeoutMs;
    this.unavailable = options.unavailable;
    this.onTimeout = options.onTimeout ?? (() => {});
  }

  /** Sends `message(requestId)` to `peer` through `send` and waits for its reply; `unavailable` with no socket or an open breaker. */
  request(peer: string, send: ((requestId: string) => void) | undefined): Promise<Reply> {
    if (!send || this.breaker.isOpen(peer)) return Promise.resolve(this.unavailable);
    const requestId = crypto.randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        this.breaker.failure(peer);
        this.onTimeout(peer, requestId);
        resolve(this.unavailable);
      }, this.timeoutMs);
      this.waiting.set(requestId, { peer, resolve, timer });
      send(requestId);
    });
  }

  /** The peer's answer to `requestId`; one nobody waits for (late, or unknown) is dropped. */
  reply(peer: string, requestId: string, reply: Reply): void {
    const waiting = this.waiting.get(requestId);
    // Only the peer asked may answer.
    if (!waiting || waiting.peer !== peer) return;
    this.waiting.delete(requestId);
    clearTimeout(waiting.timer);
    this.breaker.success(peer);
    waiting.resolve(reply);
  }
}
