import type { PGlite } from '@electric-sql/pglite';
import { FatalErrorWatch } from '../wire/fatal-watch.ts';
import { errorResponse } from '../wire/messages.ts';
import { admit, startupSettings, type Refusal } from './admission.ts';
import { applySessionSettings, ClientSession, readSessionSettings, sameSettings, type SessionSettings } from './client-session.ts';

export interface Client {
  write(bytes: Uint8Array): void;
  /** Closes the connection once what was written (and `bytes`) went out. */
  end(bytes?: Uint8Array): void;
  /** Drops the client's connection (its transaction was rolled back under it). */
  terminate(): void;
}

export interface MultiplexerOptions {
  /** PGlite's own superuser, the session user of clients that connect as it. */
  bootstrapUser: string;
  /** The one database PGlite holds. */
  database: string;
  /** Cut off a client idle in a transaction this long while others wait. */
  idleOwnerTimeoutMs?: number;
  /** PGlite can serve no one any more (a FATAL error ended its session, or it threw). */
  onFailure(error: Error): void;
}

/**
 * A client that keeps the session in a transaction without sending anything
 * for this long, while others wait, is cut off as Postgres's
 * `idle_in_transaction_session_timeout` would: otherwise one abandoned
 * transaction (a process killed, a test torn down) stalls everyone.
 */
const IDLE_OWNER_TIMEOUT_MS = 5000;

interface Unit {
  client: Client;
  messages: Uint8Array[];
  /** The unit stops mid-query (at a Flush); the client's next unit must follow it. */
  holdsSession: boolean;
  /** The connection's startup parameters: this unit admits it or refuses it. */
  startup?: Record<string, string>;
  done: () => void;
}

/**
 * Shares PGlite's single session among many wire clients. Work is taken a
 * whole unit at a time (everything up to Sync or a simple Query), so one
 * client's unnamed statement or portal is never clobbered by another's; a
 * client that leaves a transaction or a half-done query open keeps the
 * session until it finishes; and each client's session settings are its own
 * (see ClientSession), put in place before its turn.
 */
export class SessionMultiplexer {
  private readonly queue: Unit[] = [];
  private readonly sessions = new Map<Client, ClientSession>();
  /** Clients gone since the session was last free: their prepared statements are dropped then. */
  private readonly departed: ClientSession[] = [];
  private owner: Client | null = null;
  /** Whose settings the session holds, and what they are (undefined: not known, reset before use). */
  private current: ClientSession | undefined;
  private applied: SessionSettings | undefined;
  private failure: Error | undefined;
  private pumping = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pglite: PGlite;
  private readonly options: MultiplexerOptions;

  constructor(pglite: PGlite, options: MultiplexerOptions) {
    this.pglite = pglite;
    this.options = options;
  }

  submit(client: Client, messages: Uint8Array[], holdsSession: boolean, startup?: Record<string, string>): Promise<void> {
    if (this.failure) {
      client.terminate();
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.queue.push({ client, messages, holdsSession, startup, done });
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
    const session = this.sessions.get(client);
    if (session) {
      this.sessions.delete(client);
      session.connected = false;
      this.departed.push(session);
    }
    if (this.owner === client) {
      clearTimeout(this.idleTimer);
      // exec() takes PGlite's query lock itself (wrapping it in runExclusive would deadlock).
      if (!this.failure && this.pglite.isInTransaction()) await this.pglite.exec('rollback');
      this.owner = null;
    }
    void this.pump();
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

  private get idleOwnerTimeoutMs(): number {
    return this.options.idleOwnerTimeoutMs ?? IDLE_OWNER_TIMEOUT_MS;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.failure) return;
    this.pumping = true;
    try {
      for (;;) {
        if (!this.owner) await this.tidyDeparted();
        const index = this.owner ? this.queue.findIndex((u) => u.client === this.owner) : 0;
        const unit = index >= 0 ? this.queue.splice(index, 1)[0] : undefined;
        if (!unit) return;
        try {
          await this.run(unit);
        } catch (error) {
          this.fail(error instanceof Error ? error : new Error(String(error)));
        } finally {
          this.owner = !this.failure && (unit.holdsSession || this.pglite.isInTransaction()) ? unit.client : null;
          this.watchOwner();
          unit.done();
        }
        if (this.failure) return;
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.pumping = false;
    }
  }

  private async run(unit: Unit): Promise<void> {
    const session = unit.startup ? await this.admit(unit.client, unit.startup) : this.sessions.get(unit.client);
    if (!session || !(await this.switchTo(unit.client, session))) return;
    session.observe(unit.messages);
    const watch = new FatalErrorWatch();
    await this.pglite.runExclusive(async () => {
      for (const message of unit.messages) {
        await this.pglite.execProtocolRawStream(message, {
          onRawData: (data) => {
            watch.feed(data);
            unit.client.write(data);
          },
        });
      }
    });
    if (watch.fatal) await this.afterFatal(unit.client, watch.fatal);
  }

  private async admit(client: Client, parameters: Record<string, string>): Promise<ClientSession | undefined> {
    const refusal = await admit(this.pglite, parameters, this.options.database);
    if (refusal) return void this.refuse(client, refusal);
    const session = new ClientSession(startupSettings(parameters, this.options.bootstrapUser));
    this.sessions.set(client, session);
    return session;
  }

  /** Gives the session to `session`'s settings, first reading back those of the client it leaves. */
  private async switchTo(client: Client, session: ClientSession): Promise<boolean> {
    if (this.current === session) return true;
    const previous = this.current;
    if (previous?.dirty) {
      previous.dirty = false;
      this.applied = previous.connected ? (previous.settings = await readSessionSettings(this.pglite, previous, this.options.bootstrapUser)) : undefined;
    }
    if (!this.applied || !sameSettings(this.applied, session.settings)) {
      try {
        await applySessionSettings(this.pglite, session.settings, this.options.bootstrapUser);
      } catch (error) {
        // Refused as a whole (a startup parameter Postgres does not know, a role since dropped): nothing changed.
        const { code = 'XX000', message } = error as Error & { code?: string };
        this.refuse(client, { code, message });
        return false;
      }
      this.applied = session.settings;
    }
    this.current = session;
    return true;
  }

  /**
   * Postgres ends a session after a FATAL error. PGlite has only the one, so
   * unless it still answers, the embedded database has failed for everyone.
   */
  private async afterFatal(client: Client, fields: Record<string, string>): Promise<void> {
    client.end();
    try {
      await this.pglite.query('select 1');
    } catch {
      this.fail(new Error(`a FATAL error ended PGlite's only session: ${fields.M ?? 'unknown'} (SQLSTATE ${fields.C ?? 'XX000'})`));
    }
  }

  private refuse(client: Client, refusal: Refusal): void {
    client.end(errorResponse(refusal.code, refusal.message));
    this.sessions.delete(client);
  }

  /** Drops what departed clients left in the session; run only while nobody holds it. */
  private async tidyDeparted(): Promise<void> {
    for (const session of this.departed.splice(0)) {
      for (const name of session.statements) {
        await this.pglite.exec(`deallocate "${name.replaceAll('"', '""')}"`).catch(() => {});
      }
      if (this.current === session) {
        this.current = undefined;
        if (session.dirty) this.applied = undefined;
      }
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.idleTimer);
    for (const unit of this.queue.splice(0)) unit.done();
    this.options.onFailure(error);
  }
}
