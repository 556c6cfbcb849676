import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../../env.ts';
import { admit, CLOSED, record, type Admission, type Circuit } from './circuit.ts';

/**
 * The circuit breaker of one tenant's tool server (addressed `<tenant>:<server>`): the
 * Worker asks before each call and reports after, so the breaker holds across requests
 * and isolates. The circuit lives in one SQLite row; a closed circuit leaves none.
 */
export class ToolServerBreaker extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec('create table if not exists circuit (id integer primary key check (id = 1), failures integer not null, open_until integer not null, probe_at integer not null)');
  }

  /** May a call go to the server now? (A half-open circuit lets one probe through.) */
  admit(): Admission {
    const admission = admit(this.circuit(), Date.now());
    this.store(admission.circuit);
    return admission;
  }

  /** A call's outcome: a success closes the circuit, failures in a row open it. */
  record(ok: boolean): Circuit {
    const circuit = record(this.circuit(), ok, Date.now());
    this.store(circuit);
    return circuit;
  }

  /** The server's settings changed: judge it afresh. */
  reset(): void {
    this.sql.exec('delete from circuit');
  }

  private circuit(): Circuit {
    const [row] = this.sql.exec<{ failures: number; open_until: number; probe_at: number }>('select failures, open_until, probe_at from circuit').toArray();
    return row ? { failures: row.failures, openUntil: row.open_until, probeAt: row.probe_at } : CLOSED;
  }

  private store(c: Circuit): void {
    if (c.failures === 0 && c.openUntil === 0 && c.probeAt === 0) this.sql.exec('delete from circuit');
    else this.sql.exec('insert or replace into circuit (id, failures, open_until, probe_at) values (1, ?, ?, ?)', c.failures, c.openUntil, c.probeAt);
  }
}
