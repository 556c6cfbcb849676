/**
 * What a client's slow turn on a server connection was made of, for finding a database tail:
 * the wait for a connection (the pool busy, or a new one opened), then the time on it (the
 * server's work and the loopback), and the statement. Off unless the pooler is given a bound
 * (POOLER_SLOW_MS, db/src/pooler/main.ts).
 */
export class SlowTurns {
  private askedAt = 0;
  private gotAt = 0;
  /** How many turns the connection had served before this one: 0 is a fresh server session. */
  private served = 0;
  private statement = '';
  private readonly boundMs: number;
  private readonly report: (line: string) => void;

  constructor(boundMs: number, report: (line: string) => void) {
    this.boundMs = boundMs;
    this.report = report;
  }

  /** The client sent something and has no connection. */
  asked(): void {
    this.askedAt = performance.now();
  }

  got(served: number): void {
    this.gotAt = performance.now();
    this.served = served;
  }

  /** A frame the client sent on its turn: the first query's text is kept. */
  sent(type: string, bytes: Uint8Array): void {
    if (this.statement || (type !== 'Q' && type !== 'P')) return;
    let text = Buffer.from(bytes.subarray(5, bytes.length - 1)).toString('utf8');
    // Parse: the statement's name, then its text.
    if (type === 'P') text = text.slice(text.indexOf('\0') + 1);
    this.statement = text.replace(/\s+/g, ' ').slice(0, 400);
  }

  /** The connection went back: reported if the turn took `boundMs` or more. */
  done(): void {
    const now = performance.now();
    const total = now - this.askedAt;
    const statement = this.statement;
    this.statement = '';
    if (total < this.boundMs) return;
    const connection = this.served === 0 ? 'a fresh server connection' : `a server connection (its turn ${this.served + 1})`;
    this.report(`slow turn ${total.toFixed(1)} ms: ${(this.gotAt - this.askedAt).toFixed(1)} ms to get ${connection}, ${(now - this.gotAt).toFixed(1)} ms on it: ${statement}`);
  }
}
