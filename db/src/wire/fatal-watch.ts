import { readErrorFields } from './messages.ts';

/**
 * Follows a server's output message by message, copying nothing but error
 * bodies, and keeps the last FATAL or PANIC error: after one, Postgres ends
 * the session, which for PGlite's single session means the whole database.
 */
export class FatalErrorWatch {
  /** The FATAL/PANIC error's fields (C: SQLSTATE, M: message), once one went by. */
  fatal: Record<string, string> | undefined;
  private readonly header = Buffer.alloc(5);
  private headerLength = 0;
  private bodyLeft = 0;
  private errorBody: Buffer[] | undefined;

  feed(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.headerLength < 5) {
        const n = Math.min(5 - this.headerLength, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerLength);
        this.headerLength += n;
        at += n;
        if (this.headerLength < 5) return;
        this.bodyLeft = this.header.readInt32BE(1) - 4;
        this.errorBody = this.header[0] === 0x45 /* E */ ? [] : undefined;
      }
      const n = Math.min(this.bodyLeft, chunk.length - at);
      this.errorBody?.push(Buffer.from(chunk.subarray(at, at + n)));
      this.bodyLeft -= n;
      at += n;
      if (this.bodyLeft === 0) this.endMessage();
    }
  }

  private endMessage(): void {
    if (this.errorBody) {
      const fields = readErrorFields(Buffer.concat(this.errorBody));
      const severity = fields.V ?? fields.S;
      if (severity === 'FATAL' || severity === 'PANIC') this.fatal = fields;
    }
    this.errorBody = undefined;
    this.headerLength = 0;
  }
}
