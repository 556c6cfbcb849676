import type { PGlite } from '@electric-sql/pglite';

export interface Client {
  write(bytes: Uint8Array): void;
  /** Drops the client's connection (its transaction was rolled back under it). */
  terminate(): void;
}

/**
 * A client that keeps the session in a transaction without sending anything
 * for this long, while others wait, is cut off as Postgres's
 * `idle_in_transaction_session_timeout` would: otherwise one abandoned
 * transaction (a process killed mid-way, a test torn down) stalls everyone.
 */
const IDLE_OWNER_TIMEOUT_MS = 5000;

interface Unit {
  client: Client;
  messages: Uint8Array[];
  /** The unit stops mid-query (at a Flush); the client's next unit must follow it. */
  holdsSession: boolean;
  done: () => void;
}

/**
 * Shares PGlite's single session among many wire clients. Work is taken a
 * whole unit at a time (everything up to Sync or a simple Query), so one
 * client's unnamed statement or portal is never clobbered by another's; and a
 * client that leaves a transaction or a half-done query open keeps the
 * session until it finishes.
 */
export class SessionMultiplexer {
  private readonly queue: Unit[] = [];
  private owner: Client | null = null;
  private pumping = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pglite: PGlite;
  private readonly idleOwnerTimeoutMs: number;

  constructor(pglite: PGlite, idleOwnerTimeoutMs = IDLE_OWNER_TIMEOUT_MS) {
    this.pglite = pglite;
    this.idleOwnerTimeoutMs = idleOwnerTimeoutMs;
  }

  submit(client: Client, messages: Uint8Array[], holdsSession: boolean): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ client, messages, holdsSession, done });
      void this.pump();
    });
  }

  /** A client went away: drop its queued work and roll back what it left open. */
  async release(client: Client): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const unit = this.queue[i]!;
      if (unit.client === client) {
        this.queue.splice(i, 1);
        unit.done();
      }
    }
    if (this.owner === client) {
      clearTimeout(this.idleTimer);
      // exec() takes PGlite's query lock itself (wrapping it in runExclusive would deadlock).
      if (this.pglite.isInTransaction()) await this.pglite.exec('rollback');
      this.owner = null;
      void this.pump();
    }
  }

  /** (Re)starts the idle clock of the client holding the session, if any. */
  private watchOwner(): void {
    clearTimeout(this.idleTimer);
    const owner = this.owner;
    if (!owner) return;
    this.idleTimer = setTimeout(() => {
      if (this.owner !== owner) return;
      if (!this.queue.some((unit) => unit.client !== owner)) return this.watchOwner();
      void this.release(owner).then(() => owner.terminate());
    }, this.idleOwnerTimeoutMs);
    this.idleTimer.unref?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.client === this.owner) : 0;
        const unit = index >= 0 ? this.queue.splice(index, 1)[0] : undefined;
        if (!unit) return;
        try {
          await this.pglite.runExclusive(async () => {
            for (const message of unit.messages) {
              await this.pglite.execProtocolRawStream(message, { onRawData: (data) => unit.client.write(data) });
            }
          });
        } finally {
          this.owner = unit.holdsSession || this.pglite.isInTransaction() ? unit.client : null;
          this.watchOwner();
          unit.done();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
