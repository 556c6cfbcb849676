import { updateNode, type SessionEndReason } from '@glyphoxa/db';
import {
  createLogger,
  heartbeatSessions,
  parseNodeMessage,
  PROTOCOL_VERSION,
  transcriptHead,
  type EdgeMessage,
  type CampaignFacts,
  type Logger,
  type NodeMessage,
  type NpcCommand,
  type NpcRoster,
  type SessionNotice,
  type StartSession,
  type Transcript,
  type VoicePreview,
  type VoicePreviewAudio,
  VoicePreviewAudioSchema,
} from '@glyphoxa/protocol';
import * as v from 'valibot';
import type { Bindings } from '../../env.ts';
import { ControlObject } from '../control-object.ts';
import { refuse, succeed, type Outcome } from '../outcome.ts';
import { SocketRequests } from '../socket-requests.ts';
import { coordinatorOf } from '../stubs.ts';
import { GreetedNodes, type GreetedNode, type NodeAttachment } from './greeted-nodes.ts';
import { FlushSchedule } from './flush-schedule.ts';
import { chooseNode } from './placement.ts';
import { TranscriptBudgets } from './transcript-budget.ts';
import { FleetStore } from './store.ts';

/** A voice preview's wait for its node: synthesis of one short line, a vendor's first-byte time included. */
const PREVIEW_TIMEOUT_MS = 20_000;

/** How long nodes may take to reconnect after a Fleet restart: a node's reconnect backoff is capped at 30 s. */
const RECONNECT_GRACE_MS = 35_000;

/**
 * A node's sessions count as running while its latest heartbeat is at most this many
 * heartbeat intervals old (never more than the timeout): one late beat is jitter; a node
 * that missed more may be hung with its socket open, and its sessions are not billed on a guess.
 */
const ALIVE_BEATS = 2;

/** At most this many sessions a heartbeat left out are named on the node's socket; more, and none of its sessions counts as running. */
const MAX_UNLISTED_KEPT = 16;

/** Where a session was placed. */
export interface Placement {
  nodeId: string;
  /** The session's audio endpoint on that node (`websocket` sessions); null if the node serves none. */
  audioUrl: string | null;
}

/** A placed session's last listing, what its heartbeat timeout counts from, and whether it is known to run now (see `Fleet.lastListed`). */
export interface Listing {
  listed: number;
  deadlineFrom: number;
  alive: boolean;
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

type Hello = Extract<NodeMessage, { type: 'hello' }>;

/** A transcript batch whose write failed is asked for again this much later. */
const STORE_RETRY_MS = 1000;
/** At most one "transcript refused" log line per node this often. */
const REFUSAL_LOG_EVERY_MS = 10_000;

/** Reply codes a node uses for things that do not exist. */
const NOT_FOUND_CODES = new Set(['session_not_found', 'npc_not_found']);

/**
 * How often a session's last listing reaches storage, as a share of the heartbeat
 * timeout: a Fleet that restarts then knows it to within a third of the timeout, a
 * healthy node's session is never taken for silent (a heartbeat comes well within the
 * rest), and heartbeats cost a write per session only every few of them (the heartbeats
 * of many nodes sharing one, see `FleetStore.storeDueListings`).
 */
const LISTED_PERSIST_SHARE = 1 / 3;

/**
 * How often the Fleet sweeps its placements for sessions past their heartbeat deadline, as
 * a share of the timeout (never more often than `alarmIntervalMs`): a silent session ends at
 * most this much after its deadline. One sweep of the pool stands for a deadline alarm in
 * every tenant's coordinator.
 */
const SWEEP_SHARE = 1 / 6;

/**
 * One per voice-node pool (addressed by its name: `shared`, or a dedicated tenant's id).
 * Nodes connect, say hello and heartbeat; it places sessions on them (policy: placement.ts),
 * relays what they report to their tenants' coordinators, answers a coordinator's "when was
 * this session last listed", carries requests to nodes with a timeout and a per-node circuit
 * breaker, tells the coordinators when a node is lost, and sweeps its placements for sessions
 * past their heartbeat deadline and tenants whose usage flush is due (then their coordinators
 * wake, with the listings).
 */
export class Fleet extends ControlObject<NodeAttachment, EdgeMessage> {
  private readonly store: FleetStore;
  /** When this object last started: nodes reconnect after it, see `lastListed`. */
  private readonly wokeAt = Date.now();
  private readonly greeted = new GreetedNodes(() => this.sockets().map((ws) => ({ ws, node: this.stateOf(ws) })));
  private readonly requests: SocketRequests<Outcome<unknown>>;
  private readonly previews: SocketRequests<Outcome<unknown>>;
  private readonly lastSeen = new Map<string, number>();
  private readonly transcriptBudgets = new TranscriptBudgets();
  private readonly refusalLoggedAt = new Map<string, number>();
  private readonly log: Logger = createLogger({ component: 'fleet', pool: this.name });
  private readonly flushes = new FlushSchedule(this.config.usageFlushIntervalMs);
  /** Whether the sweep's alarm is known to be set (unknown after a restart: then it is looked up). */
  private sweepArmed = false;
  /** Set while listings wait for storage (`storeListings`). */
  private listingsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new FleetStore(ctx.storage.sql, this.config.heartbeatTimeoutMs * LISTED_PERSIST_SHARE);
    this.requests = new SocketRequests<Outcome<unknown>>({
      timeoutMs: this.config.nodeRequestTimeoutMs,
      unavailable: refuse(503, 'voice_unavailable', 'The voice service is temporarily unavailable. Please try again shortly.'),
      onTimeout: (nodeId, requestId) => this.log.warn('node request timed out', { node_id: nodeId, request_id: requestId }),
    });
    // Speech takes longer than a command: its own wait, and its own breaker, so a slow vendor trips no command's.
    this.previews = new SocketRequests<Outcome<unknown>>({
      timeoutMs: PREVIEW_TIMEOUT_MS,
      unavailable: refuse(504, 'voice_preview_timeout', 'The voice node did not finish speaking in time. Try again, or a shorter line.'),
      onTimeout: (nodeId, requestId) => this.log.warn('voice preview timed out', { node_id: nodeId, request_id: requestId }),
    });
  }

  /** A node connects: its WebSocket upgrade, forwarded by `/nodes/connect` once its token checked out. */
  override async fetch(request: Request): Promise<Response> {
    const nodeId = request.headers.get('x-glyphoxa-node-id');
    if (!nodeId || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a node WebSocket upgrade', { status: 426 });
    }
    // A node that reconnects replaces its old connection; it takes sessions again once it said hello.
    for (const old of this.sockets(nodeId)) old.close(4000, 'replaced by a new connection');
    this.greeted.forget(nodeId);
    this.lastSeen.set(nodeId, Date.now());
    this.log.info('node connected', { node_id: nodeId });
    return this.accept([nodeId], { nodeId });
  }

  protected override async onMessage(ws: WebSocket, node: NodeAttachment, raw: string | ArrayBuffer): Promise<void> {
    this.lastSeen.set(node.nodeId, Date.now());
    // Most frames are heartbeats: a plain one skips the schema's walk (and checks the same).
    const listed = heartbeatSessions(raw);
    if (listed) return this.heartbeat(ws, node, listed);
    // A transcript batch over budget is refused before its lines are validated: a flood costs a JSON parse a batch, no more.
    const batch = transcriptHead(raw);
    if (batch && this.placementOn(node, batch.session_id) && !this.admitTranscript(ws, node, batch)) return;
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

  /** A node is lost. Its sessions stay placed: a node back within the heartbeat timeout keeps them. */
  protected override async onClose(ws: WebSocket, node: NodeAttachment, why: string): Promise<void> {
    this.greeted.forget(node.nodeId, ws);
    // A newer connection of the same node may already have replaced this one.
    if (this.sockets(node.nodeId).some((other) => other !== ws)) return;
    this.log.warn('node dropped', { node_id: node.nodeId, why });
    this.transcriptBudgets.forgetNode(node.nodeId);
    this.refusalLoggedAt.delete(node.nodeId);
    for (const tenantId of this.store.tenantsOn(node.nodeId)) await coordinatorOf(this.env, tenantId).nodeDropped(node.nodeId);
    const lastSeenAt = new Date(this.lastSeen.get(node.nodeId) ?? Date.now());
    await this.database.run((db) => updateNode(db, node.nodeId, { lastSeenAt })).catch(() => {});
  }

  /** Places a session on a node of this pool (see `chooseNode`) and starts it there. */
  async place(start: StartSession): Promise<Outcome<Placement>> {
    const loads = this.store.loads();
    const serving = this.store.nodesServing(start.tenant_id);
    const chosen = chooseNode(
      [...this.greeted.all()].map(({ node, ws }) => ({
        nodeId: node.nodeId,
        capacity: node.capacity,
        load: loads.get(node.nodeId) ?? 0,
        draining: this.store.isDrained(node.nodeId),
        holdsTenant: serving.has(node.nodeId),
        node,
        ws,
      })),
    );
    if (!chosen) {
      return refuse(503, 'no_voice_capacity', 'No voice node is free to run your session right now. Please try again in a few minutes.');
    }
    const now = Date.now();
    this.store.place(start.session_id, chosen.nodeId, start.tenant_id, now);
    this.flushes.placed(start.tenant_id, now);
    await this.armSweep();
    this.send(chosen.ws, start);
    const { audioUrl } = chosen.node;
    return succeed({ nodeId: chosen.nodeId, audioUrl: audioUrl ? `${audioUrl.replace(/\/+$/, '')}/${start.session_id}` : null });
  }

  /** Forgets a session's placement; with `stop`, also tells its node to stop it. */
  release(sessionId: string, stop?: { nodeId: string; reason: SessionEndReason }): void {
    this.forget(sessionId);
    if (stop) for (const ws of this.sockets(stop.nodeId)) this.send(ws, { type: 'stop_session', session_id: sessionId, reason: stop.reason });
  }

  /**
   * When each of these sessions was last listed by the node it is placed on (its placement
   * counts as the first listing): its last sign of life, which billing stops at; still known
   * after the node dropped, so a node back within the timeout keeps its sessions, and after
   * this object restarted, to within a third of the timeout. `deadlineFrom` is what its
   * coordinator counts the heartbeat timeout from: the listing, or later while a node has
   * a moment to reconnect after this object restarted. `alive`: the session is known to run
   * now (see `runs`), so a stop now is billed to the stop. Null for one not placed here.
   */
  lastListed(sessionIds: string[]): Record<string, Listing | null> {
    // After this object restarted (a deploy, a crash), a node that has not said hello again
    // gets a moment to reconnect before its sessions count as lost: bounded, so a dead node's
    // session outlives its deadline by at most the grace, not by another whole timeout.
    return Object.fromEntries(
      sessionIds.map((id) => {
        const placement = this.store.placement(id);
        return [id, placement && this.listing(id, placement.nodeId)];
      }),
    );
  }

  /**
   * The sweep: the coordinators of tenants with a session past its heartbeat deadline, or
   * whose usage flush fell due (see `FlushSchedule`), are woken with their sessions'
   * listings (they end what is silent, accrue and flush: no alarm and no `lastListed` call
   * of their own); then the next sweep is set while anything is placed here.
   */
  override async alarm(): Promise<void> {
    this.sweepArmed = false;
    const now = Date.now();
    const placements = this.store.placements();
    const waking = new Set<string>();
    const tenants = new Set<string>();
    for (const { sessionId, nodeId, tenantId } of placements) {
      tenants.add(tenantId);
      if (waking.has(tenantId)) continue;
      const known = this.listing(sessionId, nodeId);
      if ((known && now - known.deadlineFrom >= this.config.heartbeatTimeoutMs) || this.flushes.due(tenantId, now)) waking.add(tenantId);
    }
    this.flushes.keepOnly(tenants);
    const listings = new Map<string, Record<string, Listing | null>>();
    for (const { sessionId, nodeId, tenantId } of placements) {
      if (!waking.has(tenantId)) continue;
      let listed = listings.get(tenantId);
      if (!listed) listings.set(tenantId, (listed = {}));
      listed[sessionId] = this.listing(sessionId, nodeId);
    }
    await Promise.all(
      [...listings].map(([tenantId, listed]) =>
        coordinatorOf(this.env, tenantId)
          .swept(this.name, listed)
          .then(
            (nextFlushAt) => this.flushes.answered(tenantId, nextFlushAt, now),
            (error: unknown) => {
              this.flushes.answered(tenantId, null, now);
              this.log.warn('a coordinator could not be woken by the sweep', { tenant_id: tenantId, error: String(error) });
            },
          ),
      ),
    );
    await this.armSweep();
  }

  /** Sets the sweep's alarm if sessions are placed here and none is set. */
  private async armSweep(): Promise<void> {
    if (this.sweepArmed || !this.store.hasPlacements()) return;
    const every = Math.max(this.config.heartbeatTimeoutMs * SWEEP_SHARE, this.config.alarmIntervalMs);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + every);
    this.sweepArmed = true;
  }

  /** A placed session's last listing, and what its heartbeat timeout counts from (see `lastListed`). */
  private listing(sessionId: string, nodeId: string): Listing | null {
    const listed = this.store.lastListed(sessionId);
    if (listed === null) return null;
    const grace = Math.min(RECONNECT_GRACE_MS, this.config.heartbeatTimeoutMs);
    const reconnectFloor = this.wokeAt + grace - this.config.heartbeatTimeoutMs;
    return { listed, deadlineFrom: this.greeted.has(nodeId) ? listed : Math.max(listed, reconnectFloor), alive: this.runs(sessionId, nodeId) };
  }

  /**
   * Whether the session is known to run now: its node holds its socket here, said hello, and
   * heartbeat on this connection within `ALIVE_BEATS` intervals without leaving the session
   * out. A node that dropped is not; nor one that reconnected (or whose Fleet restarted) until
   * it heartbeats again: it may have lost its sessions. Where this cannot tell, billing stops
   * at the last listing.
   */
  private runs(sessionId: string, nodeId: string): boolean {
    const greeted = this.greeted.get(nodeId);
    const beat = greeted && this.stateOf(greeted.ws)?.beat;
    const within = Math.min(ALIVE_BEATS * this.config.heartbeatIntervalMs, this.config.heartbeatTimeoutMs);
    return !!beat && Date.now() - beat.at <= within && !!beat.unlisted && !beat.unlisted.includes(sessionId);
  }

  /** Sends a request to a node and waits for its `reply`, at most the configured timeout. */
  request(nodeId: string, command: NpcCommand): Promise<Outcome<unknown>> {
    const [ws] = this.sockets(nodeId);
    return this.requests.request(nodeId, ws && ((requestId) => this.send(ws, { ...command, request_id: requestId })));
  }

  /**
   * Has a node of this pool speak a line outside any session: the least loaded undrained
   * one (a preview holds no session slot, so a full node may still speak it).
   */
  async preview(request: Omit<VoicePreview, 'type' | 'request_id'>): Promise<Outcome<VoicePreviewAudio>> {
    const loads = this.store.loads();
    let chosen: GreetedNode | undefined;
    for (const candidate of this.greeted.all()) {
      if (this.store.isDrained(candidate.node.nodeId)) continue;
      if (!chosen || (loads.get(candidate.node.nodeId) ?? 0) / candidate.node.capacity < (loads.get(chosen.node.nodeId) ?? 0) / chosen.node.capacity) chosen = candidate;
    }
    if (!chosen) return refuse(503, 'no_voice_node', 'No voice node is connected to speak the preview. Start one (npm start does), or try again in a minute.');
    const { ws } = chosen;
    const outcome = await this.previews.request(chosen.node.nodeId, (requestId) => this.send(ws, { type: 'voice_preview', request_id: requestId, ...request }));
    if (!outcome.ok) return outcome;
    const audio = v.safeParse(VoicePreviewAudioSchema, outcome.value);
    return audio.success ? succeed(audio.output) : refuse(502, 'voice_preview_failed', 'The voice node answered the preview with no audio');
  }

  /** A one-way message about a session the node runs: a notice for the table, or the session's NPCs or facts anew. */
  notify(nodeId: string, message: SessionNotice | NpcRoster | CampaignFacts): void {
    for (const ws of this.sockets(nodeId)) this.send(ws, message);
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
    this.greeted.forget(nodeId);
    this.store.setDrained(nodeId, false);
    return sockets.length;
  }

  /** The pool is going away with its tenant: drop every node and forget everything. */
  async dissolve(): Promise<void> {
    for (const ws of this.sockets()) ws.close(4001, 'pool deleted');
    this.greeted.clear();
    this.flushes.keepOnly(new Set());
    await this.ctx.storage.deleteAlarm();
    this.sweepArmed = false;
    await this.ctx.storage.deleteAll();
    this.store.createSchema();
  }

  private async handle(ws: WebSocket, node: NodeAttachment, message: NodeMessage): Promise<void> {
    if (message.type === 'hello') return this.hello(ws, node, message);
    if (message.type === 'heartbeat') return this.heartbeat(ws, node, message.sessions);
    if (message.type === 'reply') {
      const outcome = message.ok ? succeed(message.data ?? null) : refuse(NOT_FOUND_CODES.has(message.error.code) ? 404 : message.error.code === 'voice_preview_failed' ? 502 : 409, message.error.code, message.error.message);
      // Request ids are unique: at most one of the two waits for it.
      this.requests.reply(node.nodeId, message.request_id, outcome);
      return this.previews.reply(node.nodeId, message.request_id, outcome);
    }
    // The rest report on one session, which must be placed on this node.
    const placement = this.placementOn(node, message.session_id);
    if (!placement) {
      // A session nobody placed here must not run; an ended one needs no answer.
      if (message.type === 'session_state' && message.state === 'active') this.send(ws, { type: 'stop_session', session_id: message.session_id, reason: 'failed' });
      return;
    }
    const coordinator = coordinatorOf(this.env, placement.tenantId);
    switch (message.type) {
      case 'session_state':
        if (message.state === 'ended') this.forget(message.session_id);
        return coordinator.sessionState(node.nodeId, message.session_id, message.state, message.reason);
      case 'usage': {
        const refused = await coordinator.usage(message.session_id, message.seq, {
          llmTokens: message.llm_tokens,
          sttSeconds: message.stt_seconds,
          ttsChars: message.tts_chars,
          toolCalls: message.tool_calls ?? 0,
        });
        if (refused) {
          const text = `${refused}: more than the session's time allows; this usage message is not counted`;
          this.send(ws, { type: 'error', code: 'usage_refused', message: text, field: refused, request_type: 'usage', session_id: message.session_id });
        }
        return;
      }
      case 'transcript':
        return this.transcript(ws, node, coordinator, message);
      case 'turn':
        // One line per NPC turn in the Worker's logs (Workers observability keeps and queries them).
        this.log.info('npc turn', { tenant_id: placement.tenantId, session_id: message.session_id, node_id: node.nodeId, npc: message.npc, ...message.timings });
        return;
    }
  }

  private async hello(ws: WebSocket, node: NodeAttachment, hello: Hello): Promise<void> {
    if (hello.protocol !== PROTOCOL_VERSION || hello.node_id !== node.nodeId) {
      const why = hello.node_id !== node.nodeId ? `node_id ${hello.node_id} does not match the token's node` : `protocol ${hello.protocol} is not supported (edge speaks ${PROTOCOL_VERSION})`;
      this.send(ws, { type: 'error', code: 'hello_refused', message: why, request_type: 'hello' });
      ws.close(4002, 'hello refused');
      return;
    }
    const greeted = { ...node, capacity: hello.capacity, version: hello.version, region: hello.region, audioUrl: hello.audio_url };
    this.setState(ws, greeted);
    this.greeted.greet(greeted, ws);
    this.send(ws, { type: 'welcome', node_id: node.nodeId, pool: this.name, heartbeat_interval_ms: this.config.heartbeatIntervalMs });
    await this.database.run((db) => updateNode(db, node.nodeId, { version: hello.version, region: hello.region, capacity: hello.capacity, lastSeenAt: new Date() }));
  }

  /**
   * Notes the sessions a node still runs; one it runs that is not placed there (any more) is
   * stopped. The beat, with the placed sessions it left out, goes on the node's socket (`runs`).
   */
  private heartbeat(ws: WebSocket, node: NodeAttachment, sessionIds: string[]): void {
    const now = Date.now();
    const listed = new Set<string>();
    for (const id of sessionIds) {
      if (this.placementOn(node, id)) {
        this.store.listed(id, now);
        listed.add(id);
      } else this.send(ws, { type: 'stop_session', session_id: id, reason: 'node_lost' });
    }
    // Usually the node lists all its placements, which the count shows without reading them.
    const unlisted = listed.size < (this.store.loads().get(node.nodeId) ?? 0) ? this.store.sessionsOn(node.nodeId).filter((id) => !listed.has(id)) : [];
    this.setState(ws, { ...node, beat: { at: now, unlisted: unlisted.length <= MAX_UNLISTED_KEPT ? unlisted : null } });
    this.storeListings(now);
  }

  /**
   * Stores the listings due; those the store's batching leaves for later, at a timer: nodes on
   * one beat heartbeat in bursts, and a Fleet hibernated (or evicted) in the quiet after one loses
   * what it did not store (without the timer, a burst's heartbeats after its first store, whose
   * sessions then ended as `node_lost` while their nodes listed them). The timer keeps it awake.
   */
  private storeListings(now: number): void {
    const wait = this.store.storeDueListings(now);
    if (wait === null || this.listingsTimer) return;
    this.listingsTimer = setTimeout(() => {
      this.listingsTimer = undefined;
      this.storeListings(Date.now());
    }, wait);
  }

  /**
   * Takes a transcript batch's lines from its session's and its node's budget, or refuses it
   * with `retry_after_ms`, naming the batch, so the node sends it again. Nothing is dropped unsaid.
   */
  private admitTranscript(ws: WebSocket, node: NodeAttachment, batch: { session_id: string; seq: number | undefined; lines: number }): boolean {
    const now = Date.now();
    const wait = this.transcriptBudgets.admit(node.nodeId, batch.session_id, batch.lines, now);
    if (wait === 0) return true;
    // One line a node per period, not one per refused batch: a flood would flood the log too.
    if (now - (this.refusalLoggedAt.get(node.nodeId) ?? 0) >= REFUSAL_LOG_EVERY_MS) {
      this.refusalLoggedAt.set(node.nodeId, now);
      this.log.warn('transcript over budget; refused for resending', { node_id: node.nodeId, session_id: batch.session_id, lines: batch.lines, retry_after_ms: wait });
    }
    this.refuseTranscript(ws, batch, 'rate_limited', `Over the transcript budget of this session or node; send the batch again in ${wait} ms`, wait);
    return false;
  }

  /** An admitted batch to the session's coordinator; one whose write failed is refused for resending too. */
  private async transcript(ws: WebSocket, node: NodeAttachment, coordinator: ReturnType<typeof coordinatorOf>, message: Transcript): Promise<void> {
    try {
      await coordinator.transcript(message.session_id, message.entries);
    } catch (error) {
      this.log.warn('transcript not stored; refused for resending', { node_id: node.nodeId, session_id: message.session_id, error: String(error) });
      this.refuseTranscript(ws, message, 'unavailable', 'The transcript could not be stored just now; send the batch again', STORE_RETRY_MS);
    }
  }

  private refuseTranscript(ws: WebSocket, batch: { session_id: string; seq?: number | undefined }, code: string, text: string, retryAfterMs: number): void {
    this.send(ws, { type: 'error', code, message: text, request_type: 'transcript', session_id: batch.session_id, ...(batch.seq !== undefined && { seq: batch.seq }), retry_after_ms: retryAfterMs });
  }

  /** A session is no longer placed here. */
  private forget(sessionId: string): void {
    this.store.release(sessionId);
    this.transcriptBudgets.forgetSession(sessionId);
  }

  /** A node may only speak for sessions placed on it. */
  private placementOn(node: NodeAttachment, sessionId: string) {
    const placement = this.store.placement(sessionId);
    return placement && placement.nodeId === node.nodeId ? placement : null;
  }
}
