import { updateNode, type SessionEndReason } from '@glyphoxa/db';
import {
  parseNodeMessage,
  PROTOCOL_VERSION,
  type EdgeMessage,
  type NodeMessage,
  type NpcCommand,
  type SessionNotice,
  type StartSession,
} from '@glyphoxa/protocol';
import { createLogger, type Logger } from '@glyphoxa/protocol';
import type { Bindings } from '../../env.ts';
import { ControlObject } from '../control-object.ts';
import { refuse, succeed, type Outcome } from '../outcome.ts';
import { SocketRequests } from '../socket-requests.ts';
import { coordinatorOf } from '../stubs.ts';
import { FleetStore } from './store.ts';

/** What a node's socket carries across hibernation. */
interface NodeAttachment {
  nodeId: string;
  /** Set once the node said hello. */
  capacity?: number;
  version?: string;
  region?: string;
  /** Where browsers reach this node's audio endpoint, if it serves one. */
  audioUrl?: string;
}

/** Where a session was placed. */
export interface Placement {
  nodeId: string;
  /** The session's audio endpoint on that node (`websocket` sessions); null if the node serves none. */
  audioUrl: string | null;
}

export interface NodeStatus {
  node_id: string;
  connected: boolean;
  capacity: number | null;
  load: number;
  version: string | null;
  region: string | null;
  last_seen: string | null;
  draining: boolean;
}

/** Reply codes a node uses for things that do not exist. */
const NOT_FOUND_CODES = new Set(['session_not_found', 'npc_not_found']);

/**
 * One per voice-node pool. Accepts node WebSockets (hibernation API), knows
 * each node's capacity and load, places sessions on the least-loaded node with
 * room, relays what nodes report to their tenants' coordinators, and carries
 * requests to nodes with a timeout and a per-node circuit breaker.
 */
export class Fleet extends ControlObject<NodeAttachment, EdgeMessage> {
  private readonly store: FleetStore;
  private readonly requests: SocketRequests<Outcome<unknown>>;
  private readonly lastSeen = new Map<string, number>();
  /**
   * Nodes that said hello, by id. Placement reads this instead of every socket's
   * attachment (1,000 nodes cost ~10 ms a start that way); rebuilt from the
   * sockets when the object wakes from hibernation.
   */
  private ready: Map<string, { node: NodeAttachment; ws: WebSocket }> | undefined;
  /**
   * When each session was last listed in its node's heartbeat. Kept here, not sent on:
   * a coordinator asks at its session's deadline, so a healthy session costs its
   * coordinator nothing between deadlines. Lost with the object, hence `upSince`.
   */
  private readonly listedAt = new Map<string, number>();
  private readonly upSince = Date.now();
  private readonly log: Logger = createLogger({ component: 'fleet', pool: this.name });

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new FleetStore(ctx.storage.sql);
    this.requests = new SocketRequests<Outcome<unknown>>({
      timeoutMs: this.config.nodeRequestTimeoutMs,
      unavailable: refuse(503, 'voice_unavailable', 'The voice service is temporarily unavailable. Please try again shortly.'),
      onTimeout: (nodeId, requestId) => this.log.warn('node request timed out', { node_id: nodeId, request_id: requestId }),
    });
  }

  /** The node's WebSocket upgrade, forwarded by `/nodes/connect` once its token checked out. */
  override async fetch(request: Request): Promise<Response> {
    const nodeId = request.headers.get('x-glyphoxa-node-id');
    if (!nodeId || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a node WebSocket upgrade', { status: 426 });
    }
    // A node that reconnects replaces its old connection; it takes sessions again once it said hello.
    for (const old of this.sockets(nodeId)) old.close(4000, 'replaced by a new connection');
    this.ready?.delete(nodeId);
    this.lastSeen.set(nodeId, Date.now());
    this.log.info('node connected', { node_id: nodeId });
    return this.accept([nodeId], { nodeId });
  }

  protected override async onMessage(ws: WebSocket, node: NodeAttachment, raw: string | ArrayBuffer): Promise<void> {
    this.lastSeen.set(node.nodeId, Date.now());
    const parsed = parseNodeMessage(raw);
    if (!parsed.ok) {
      this.log.warn('invalid node message', { node_id: node.nodeId, error: parsed.error.message });
      this.send(ws, { type: 'error', ...parsed.error, ...(parsed.context.type ? { request_type: parsed.context.type.slice(0, 128) } : {}) });
      return;
    }
    try {
      await this.handle(ws, node, parsed.message);
    } catch (error) {
      this.log.error('handling a node message failed', { node_id: node.nodeId, type: parsed.message.type, error: String(error) });
      this.send(ws, { type: 'error', code: 'internal', message: 'The edge could not process that message', request_type: parsed.message.type });
    }
  }

  /** Places a session on the least-loaded connected node with room, and starts it there. */
  place(start: StartSession): Outcome<Placement> {
    const tenantId = start.tenant_id;
    const loads = this.store.loads();
    const serving = this.store.nodesServing(tenantId);
    let best: { node: NodeAttachment; ws: WebSocket; ratio: number; holdsTenant: boolean } | undefined;
    for (const { node, ws } of this.readyNodes().values()) {
      if (!node.capacity || this.store.isDrained(node.nodeId)) continue;
      const used = loads.get(node.nodeId) ?? 0;
      if (used >= node.capacity) continue;
      const candidate = { node, ws, ratio: used / node.capacity, holdsTenant: serving.has(node.nodeId) };
      // Least loaded first; on a tie, the node already holding the tenant's bot connection.
      if (!best || candidate.ratio < best.ratio || (candidate.ratio === best.ratio && candidate.holdsTenant && !best.holdsTenant)) {
        best = candidate;
      }
    }
    if (!best) {
      return refuse(503, 'no_voice_capacity', 'No voice node is free to run your session right now. Please try again in a few minutes.');
    }
    const { nodeId, audioUrl } = best.node;
    this.store.place(start.session_id, nodeId, tenantId);
    this.send(best.ws, start);
    return succeed({ nodeId, audioUrl: audioUrl ? `${audioUrl.replace(/\/+$/, '')}/${start.session_id}` : null });
  }

  /** Forgets a session's placement; with `stop`, also tells its node to stop it. */
  release(sessionId: string, stop?: { nodeId: string; reason: SessionEndReason }): void {
    this.forget(sessionId);
    if (stop) for (const ws of this.sockets(stop.nodeId)) this.send(ws, { type: 'stop_session', session_id: sessionId, reason: stop.reason });
  }

  /** Sends a request to a node and waits for its `reply`, at most the configured timeout. */
  request(nodeId: string, command: NpcCommand): Promise<Outcome<unknown>> {
    const [ws] = this.sockets(nodeId);
    return this.requests.request(nodeId, ws && ((requestId) => this.send(ws, { ...command, request_id: requestId })));
  }

  notify(nodeId: string, notice: SessionNotice): void {
    for (const ws of this.sockets(nodeId)) this.send(ws, notice);
  }

  status(): NodeStatus[] {
    const loads = this.store.loads();
    return this.sockets().flatMap((ws) => {
      const node = this.stateOf(ws);
      if (!node) return [];
      const seen = this.lastSeen.get(node.nodeId);
      return {
        node_id: node.nodeId,
        connected: true,
        capacity: node.capacity ?? null,
        load: loads.get(node.nodeId) ?? 0,
        version: node.version ?? null,
        region: node.region ?? null,
        last_seen: seen ? new Date(seen).toISOString() : null,
        draining: this.store.isDrained(node.nodeId),
      } satisfies NodeStatus;
    });
  }

  setDraining(nodeId: string, draining: boolean): void {
    this.store.setDrained(nodeId, draining);
  }

  /** Drops a node's connection at once (its token was revoked). */
  disconnect(nodeId: string): number {
    const sockets = this.sockets(nodeId);
    for (const ws of sockets) ws.close(4001, 'node token revoked');
    this.ready?.delete(nodeId);
    this.store.setDrained(nodeId, false);
    return sockets.length;
  }

  /** The pool is going away with its tenant: drop every node and forget everything. */
  async dissolve(): Promise<void> {
    for (const ws of this.sockets()) ws.close(4001, 'pool deleted');
    this.ready = undefined;
    this.listedAt.clear();
    await this.ctx.storage.deleteAll();
    this.store.createSchema();
  }

  private async handle(ws: WebSocket, node: NodeAttachment, message: NodeMessage): Promise<void> {
    switch (message.type) {
      case 'hello':
        return this.hello(ws, node, message);
      case 'heartbeat':
        return this.heartbeat(ws, node, message.sessions);
      case 'session_state': {
        const placement = this.placementOn(node, message.session_id);
        // A session nobody placed here must not run; an ended one needs no answer.
        if (!placement) {
          if (message.state === 'active') this.send(ws, { type: 'stop_session', session_id: message.session_id, reason: 'failed' });
          return;
        }
        if (message.state === 'ended') this.forget(message.session_id);
        return coordinatorOf(this.env, placement.tenantId).sessionState(node.nodeId, message.session_id, message.state, message.reason);
      }
      case 'usage': {
        const placement = this.placementOn(node, message.session_id);
        if (!placement) return;
        return coordinatorOf(this.env, placement.tenantId).usage(message.session_id, message.seq, {
          llmTokens: message.llm_tokens,
          sttSeconds: message.stt_seconds,
          ttsChars: message.tts_chars,
        });
      }
      case 'transcript': {
        const placement = this.placementOn(node, message.session_id);
        if (!placement) return;
        return coordinatorOf(this.env, placement.tenantId).transcript(message.session_id, message.entries);
      }
      case 'turn': {
        // One line per NPC turn in the Worker's logs (Workers observability keeps and queries them).
        const placement = this.placementOn(node, message.session_id);
        if (placement) this.log.info('npc turn', { tenant_id: placement.tenantId, session_id: message.session_id, node_id: node.nodeId, npc: message.npc, ...message.timings });
        return;
      }
      case 'reply':
        return this.requests.reply(
          node.nodeId,
          message.request_id,
          message.ok
            ? succeed(message.data ?? null)
            : refuse(NOT_FOUND_CODES.has(message.error.code) ? 404 : 409, message.error.code, message.error.message),
        );
    }
  }

  private async hello(ws: WebSocket, node: NodeAttachment, hello: Extract<NodeMessage, { type: 'hello' }>): Promise<void> {
    if (hello.protocol !== PROTOCOL_VERSION || hello.node_id !== node.nodeId) {
      const why = hello.node_id !== node.nodeId ? `node_id ${hello.node_id} does not match the token's node` : `protocol ${hello.protocol} is not supported (edge speaks ${PROTOCOL_VERSION})`;
      this.send(ws, { type: 'error', code: 'hello_refused', message: why, request_type: 'hello' });
      ws.close(4002, 'hello refused');
      return;
    }
    const greeted: NodeAttachment = { ...node, capacity: hello.capacity, version: hello.version, region: hello.region, audioUrl: hello.audio_url };
    this.setState(ws, greeted);
    this.readyNodes().set(node.nodeId, { node: greeted, ws });
    this.send(ws, { type: 'welcome', node_id: node.nodeId, pool: this.name, heartbeat_interval_ms: this.config.heartbeatIntervalMs });
    await this.database.run((db) =>
      updateNode(db, node.nodeId, { version: hello.version, region: hello.region, capacity: hello.capacity, lastSeenAt: new Date() }),
    );
  }

  /** Notes the sessions a node still runs; one it runs that is not placed there (any more) is stopped. */
  private heartbeat(ws: WebSocket, node: NodeAttachment, sessionIds: string[]): void {
    const now = Date.now();
    for (const id of sessionIds) {
      if (this.placementOn(node, id)) this.listedAt.set(id, now);
      else this.send(ws, { type: 'stop_session', session_id: id, reason: 'node_lost' });
    }
  }

  /**
   * When each of these sessions was last listed by the node it is placed on, for its
   * coordinator's deadline check (still known after the node dropped, so a node back
   * within the timeout keeps its sessions); null for one not placed here. One never
   * listed since this object started counts from then while its node is connected.
   */
  lastListed(sessionIds: string[]): Record<string, number | null> {
    const answer: Record<string, number | null> = {};
    for (const id of sessionIds) {
      const placement = this.store.placement(id);
      const connected = placement !== null && this.readyNodes().has(placement.nodeId);
      answer[id] = placement ? (this.listedAt.get(id) ?? (connected ? this.upSince : null)) : null;
    }
    return answer;
  }

  /** Drops a session's placement and what this object remembers of it. */
  private forget(sessionId: string): void {
    this.store.release(sessionId);
    this.listedAt.delete(sessionId);
  }

  private readyNodes(): Map<string, { node: NodeAttachment; ws: WebSocket }> {
    if (!this.ready) {
      this.ready = new Map();
      for (const ws of this.sockets()) {
        const node = this.stateOf(ws);
        if (node?.capacity) this.ready.set(node.nodeId, { node, ws });
      }
    }
    return this.ready;
  }

  /** A node's connection is gone. */
  protected override async onClose(ws: WebSocket, node: NodeAttachment, why: string): Promise<void> {
    if (this.ready?.get(node.nodeId)?.ws === ws) this.ready.delete(node.nodeId);
    // A newer connection of the same node may already have replaced this one.
    if (this.sockets(node.nodeId).some((other) => other !== ws)) return;
    this.log.warn('node dropped', { node_id: node.nodeId, why });
    // Its sessions stay placed: a node back within the heartbeat timeout keeps them.
    for (const tenantId of this.store.tenantsOn(node.nodeId)) await coordinatorOf(this.env, tenantId).nodeDropped(node.nodeId);
    const lastSeenAt = new Date(this.lastSeen.get(node.nodeId) ?? Date.now());
    await this.database.run((db) => updateNode(db, node.nodeId, { lastSeenAt })).catch(() => {});
  }

  /** A node may only speak for sessions placed on it. */
  private placementOn(node: NodeAttachment, sessionId: string) {
    const placement = this.store.placement(sessionId);
    return placement && placement.nodeId === node.nodeId ? placement : null;
  }
}
