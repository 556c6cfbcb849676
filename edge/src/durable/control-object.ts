import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env.ts';
import { controlConfig, type ControlConfig } from './config.ts';
import { DurableDatabase } from './database.ts';

/**
 * The wiring the TenantCoordinator and the Fleet share, in the shape of partyserver's
 * `Server`: the object knows its own name (the tenant or pool it was addressed by, from the
 * runtime, so no caller passes it and none can pass a wrong one), its control-plane timings,
 * its Postgres connection, and its hibernatable WebSockets, each carrying a typed `State`
 * across hibernation. A subclass overrides the hooks (`onMessage`, `onClose`) and reads as
 * its flows; `alarm()` and its RPC methods are its own.
 */
export abstract class ControlObject<State = never, Outgoing = never> extends DurableObject<Bindings> {
  /** The tenant id or pool this object serves. */
  protected readonly name: string;
  protected readonly config: ControlConfig;
  protected readonly database: DurableDatabase;
  /**
   * Each socket's `State` as last stored, while this object lives: a node's heartbeat (most of
   * an idle Fleet's messages) then costs no deserialization of its attachment. After hibernation
   * the sockets are new objects, read from their attachments once.
   */
  private readonly states = new WeakMap<WebSocket, State | null>();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    const name = ctx.id.name;
    if (!name) throw new Error(`${new.target.name} must be addressed by name (see durable/stubs.ts)`);
    this.name = name;
    this.config = controlConfig(env);
    this.database = new DurableDatabase(env);
  }

  /** Takes the server end of a new WebSocket (hibernation API) and answers the upgrade. */
  protected accept(tags: string[], state: State): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, tags);
    this.setState(server, state);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The open sockets, optionally only those with `tag`. */
  protected sockets(tag?: string): WebSocket[] {
    return this.ctx.getWebSockets(tag);
  }

  /** What `accept` or `setState` last stored on the socket; null for none. */
  protected stateOf(ws: WebSocket): State | null {
    if (this.states.has(ws)) return this.states.get(ws)!;
    const state = (ws.deserializeAttachment() as State | null) ?? null;
    this.states.set(ws, state);
    return state;
  }

  protected setState(ws: WebSocket, state: State): void {
    ws.serializeAttachment(state);
    this.states.set(ws, state);
  }

  /** Sends one JSON message; a socket already closing is left to learn the outcome on reconnect. */
  protected send(ws: WebSocket, message: Outgoing): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // Closing: nothing to do.
    }
  }

  /** A message on one of this object's sockets. */
  protected onMessage(_ws: WebSocket, _state: State, _raw: string | ArrayBuffer): void | Promise<void> {}

  /** One of this object's sockets closed or failed (`why` says which). */
  protected onClose(_ws: WebSocket, _state: State, _why: string): void | Promise<void> {}

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const state = this.stateOf(ws);
    if (state !== null) await this.onMessage(ws, state, raw);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    const state = this.stateOf(ws);
    if (state !== null) await this.onClose(ws, state, `closed (${code})`);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    const state = this.stateOf(ws);
    if (state !== null) await this.onClose(ws, state, `error: ${String(error)}`);
  }
}
