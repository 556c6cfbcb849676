/** Starts waiting for their session to leave `pending`, by session id. */
export class SettleWaiters {
  private readonly waiting = new Map<string, () => void>();

  /** Resolves when `settle(sessionId)` is called, or after `timeoutMs`. */
  wait(sessionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        waiting.delete(sessionId);
        resolve();
      }
      waiting.set(sessionId, done);
    });
  }

  settle(sessionId: string): void {
    this.waiting.get(sessionId)?.();
  }
}
