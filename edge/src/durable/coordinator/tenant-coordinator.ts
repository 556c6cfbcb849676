import { appendSessionEntries, insertSession, listTenantProviders, periodOf, proposeFromTranscript, rememberSession, usageOverBound, type SessionEndReason, type SessionEntry, type SessionLine, type Tenant } from '@glyphoxa/db';
import { createLogger, type AudioAssignment, type AudioTransportKind, type LiveTranscriptMessage, type Logger, type NpcCommand, type TranscriptEntry } from '@glyphoxa/protocol';
import { randomToken } from '../../auth/random-token.ts';
import { loadCampaignFacts, loadNpcDefinitions, loadSessionContent } from '../../campaign/session-content.ts';
import { tenantEmbedder } from '../../campaign/tenant-embedder.ts';
import { tenantBotToken } from '../../discord/bot-token.ts';
import { discordRest } from '../../discord/rest.ts';
import type { Bindings } from '../../env.ts';
import { errorBody } from '../../errors.ts';
import { viewLiveSession, type SessionView } from '../../views/session.ts';
import { MAX_WAIT_ACTIVE_MS, START_RETRY_AFTER_S } from '../config.ts';
import { DatabaseDeadlineExceeded } from '../database.ts';
import { CoalescedWrites } from '../coalesced-writes.ts';
import { ControlObject } from '../control-object.ts';
import type { Listing } from '../fleet/fleet.ts';
import { poolOf } from '../fleet/placement.ts';
import { refuse, succeed, type Outcome, type Refusal } from '../outcome.ts';
import { fleetOf, flushWriterOf } from '../stubs.ts';
import { admit, sessionsThisMonth } from './admission.ts';
import { quotaStep } from './quota.ts';
import { nextAlarm } from './schedule.ts';
import { SettleWaiters } from './settle-waiters.ts';
import { liveLine, liveSessionOf, type LiveListener } from './live-transcript.ts';
import { SessionRows } from './session-rows.ts';
import { CoordinatorStore, lastSign, pendingSession, type LiveSession, type UsageDelta } from './store.ts';
import { UsageLedger } from './usage-ledger.ts';
import { billingMode } from '../../billing/mode.ts';

/** How long embedding an ended session's transcript may take, provider calls included. */
const REMEMBER_DEADLINE_MS = 120_000;

export interface StartRequest {
  guild_id: string;
  channel_id: string;
  campaign_id?: string | null;
  started_by: string;
  /** Default: `discord` when the tenant has a bot token, else `websocket` (the browser). */
  transport?: AudioTransportKind;
}

/** Transcript lines in one database write (a few of the biggest batches). */
const MAX_LINES_PER_WRITE = 1000;

/** Interaction ids are remembered this long: Discord's signatures are good for five minutes either way of now. */
const INTERACTION_MEMORY_MS = 15 * 60_000;

/** The wire's name of each usage quantity. */
const USAGE_FIELDS = { llmTokens: 'llm_tokens', sttSeconds: 'stt_seconds', ttsChars: 'tts_chars', toolCalls: 'tool_calls' } as const;

/** Ended sessions are remembered this long, so a reconnecting node learns they are over. */
const ENDED_RETENTION_MS = 24 * 3600_000;
/** How often the alarm forgets what is past `ENDED_RETENTION_MS`: an hour late costs nothing, and each purge is statements a fresh object parses anew. */
const PURGE_EVERY_MS = 3600_000;

/**
 * One per tenant (addressed by its id): the single writer of the tenant's live sessions.
 * It admits starts (one per guild, the plan's concurrency, the month's hours), ends sessions
 * whose node fell silent, accrues usage and flushes it to Postgres idempotently, warns and
 * then ends sessions at the quota, and writes every transition through to `sessions`.
 * It also holds the dashboard's live transcript sockets, tagged by session (see live-transcript.ts).
 * The rules are plain modules beside it: admission, quota, schedule.
 */
export class TenantCoordinator extends ControlObject<LiveListener, LiveTranscriptMessage> {
  private readonly store: CoordinatorStore;
  private readonly ledger: UsageLedger;
  private readonly rows: SessionRows;
  private readonly log: Logger = createLogger({ tenant_id: this.tenantId, component: 'tenant-coordinator' });
  private readonly settling = new SettleWaiters();
  private readonly transcripts = new CoalescedWrites<SessionLine>(async (lines) => this.pushLive(await this.database.run((db) => appendSessionEntries(db, this.tenantId, lines))), MAX_LINES_PER_WRITE);

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new CoordinatorStore(ctx.storage.sql);
    this.rows = new SessionRows(this.store, this.database, this.tenantId, this.log);
    this.ledger = new UsageLedger(this.store, this.database, this.tenantId, this.log, billingMode(env), (flush) => flushWriterOf(env).flush(flush));
  }

  /** The tenant this coordinator serves: the name it is addressed by. */
  private get tenantId(): string {
    return this.name;
  }

  /**
   * A live transcript listener connects (`openLiveTranscript`). A session that already ended
   * gets `ended` at once, so a late listener learns why rather than waiting.
   */
  override async fetch(request: Request): Promise<Response> {
    const sessionId = liveSessionOf(request);
    if (!sessionId) return Response.json(errorBody('upgrade_required', 'Expected a live transcript WebSocket upgrade'), { status: 426 });
    const session = this.store.get(sessionId);
    if (!session) return Response.json(errorBody('session_not_found', `No session ${sessionId} is live or recently ended`), { status: 404 });
    const response = this.accept([sessionId], { sessionId });
    if (session.state === 'ended') this.endListeners(sessionId, session.endReason ?? 'failed');
    return response;
  }

  /**
   * Reserves, places and starts a session. With `waitActiveMs`, answers once the
   * node reports it active (or it ended, or the wait ran out: then still `pending`).
   */
  async startSession(request: StartRequest, options: { waitActiveMs?: number } = {}): Promise<Outcome<SessionView>> {
    const now = Date.now();
    // The start's database work, retried while the database is slow or away, ends by then.
    const deadline = now + this.config.startDatabaseDeadlineMs;
    let context;
    try {
      context = await this.ledger.read(now, deadline);
    } catch (error) {
      if (error instanceof DatabaseDeadlineExceeded) return this.refuseForDatabase(error);
      throw error;
    }
    if (!context) return refuse(404, 'tenant_not_found', `Tenant ${this.tenantId} does not exist`);
    const { tenant, limits, hoursUsed, monthSessions } = context;
    // An earlier session's end Postgres lacks would hold the guild's one live row: written first.
    await this.rows.retry(now, deadline);

    // From here to the reservation nothing awaits, so no other request can
    // interleave: simultaneous starts see each other's reservations.
    const live = this.store.live();
    const admitted = admit({
      live,
      guildId: request.guild_id,
      limits,
      sessionsThisMonth: sessionsThisMonth(monthSessions, live, periodOf(now)),
      hoursUsed,
      transport: request.transport,
      hasBotToken: !!tenant.botTokenEnc,
    });
    if (!admitted.ok) return admitted;
    const session = pendingSession({
      guildId: request.guild_id,
      channelId: request.channel_id,
      campaignId: request.campaign_id ?? tenant.campaignId,
      startedBy: request.started_by,
      pool: poolOf(tenant),
      createdAt: now,
    });
    this.store.insert(session);
    this.store.startFlushClock(now);
    await this.armAlarm();

    try {
      const launched = await this.launch(session, tenant, admitted.value, deadline);
      if (!launched.ok) return launched;
      if (options.waitActiveMs && this.store.get(session.id)?.state === 'pending') {
        await this.settling.wait(session.id, Math.min(options.waitActiveMs, MAX_WAIT_ACTIVE_MS));
      }
      const view = viewLiveSession(this.tenantId, this.store.get(session.id)!);
      const audio = launched.value;
      // The browser's way in, shown to the starter only: never stored, never listed.
      return succeed(audio ? { ...view, audio } : view);
    } catch (error) {
      const busy = error instanceof DatabaseDeadlineExceeded;
      if (!busy) this.log.error('session start failed', { session_id: session.id, error: String(error) });
      // Its insert may have landed, or still land: the row is written ended whatever happened (session-rows.ts),
      // after the answer, which a database too slow for the start must not hold longer.
      await this.end(session.id, 'failed', { notifyNode: true, writeThrough: 'later' });
      return busy ? this.refuseForDatabase(error) : refuse(503, 'start_failed', 'The session could not be started. Please try again in a moment.');
    }
  }

  /** A start the database did not serve within its deadline: counted, and refused in one retryable way. */
  private refuseForDatabase(error: DatabaseDeadlineExceeded): Refusal {
    this.store.count('start_refused_database');
    this.log.warn('start refused: the database did not serve it in time', { error: error.message, cause: String(error.cause) });
    return refuse(
      503,
      'database_unavailable',
      `The database did not answer within ${this.config.startDatabaseDeadlineMs / 1000} s, so the session was not started. Please retry in ${START_RETRY_AFTER_S} s.`,
      START_RETRY_AFTER_S,
    );
  }

  /**
   * The tenant's plan or limits changed (a webhook, a plan change, the operator): they are read
   * again now, so the next start is admitted under them. Running sessions finish: a smaller
   * plan never cuts them short, a bigger one gives them its hours at once (usage-ledger.ts).
   */
  async planChanged(): Promise<void> {
    const now = Date.now();
    const context = await this.ledger.read(now);
    if (!context) return;
    this.log.info('plan changed', { live_sessions: this.store.live().length, max_concurrent: context.limits.maxConcurrentSessions, monthly_sessions: context.limits.monthlySessions, monthly_hours: context.limits.monthlySessionHours });
    await this.enforceQuota(now);
    await this.armAlarm();
  }

  /** Starts refused because the database did not serve them within their deadline. */
  startsRefusedForDatabase(): number {
    return this.store.counter('start_refused_database');
  }

  async stopSession(sessionId: string): Promise<Outcome<SessionView>> {
    const session = this.store.get(sessionId);
    if (!session) return refuse(404, 'session_not_found', `No session ${sessionId}`);
    if (session.state !== 'ended') await this.end(sessionId, 'stopped', { notifyNode: true });
    return succeed(viewLiveSession(this.tenantId, this.store.get(sessionId)!));
  }

  liveSessions(): SessionView[] {
    return this.store.live().map((s) => viewLiveSession(this.tenantId, s));
  }

  /**
   * Whether this Discord interaction is new (then it is claimed): Discord may deliver one
   * again, and a signed request replayed within its five minutes must not run twice.
   */
  claimInteraction(interactionId: string): boolean {
    return this.store.claimInteraction(interactionId, Date.now(), INTERACTION_MEMORY_MS);
  }

  /** The NPC names of the guild's live session, cached at its start: autocomplete never waits on a node. */
  npcNames(guildId: string): string[] {
    const session = this.store.live().find((s) => s.guildId === guildId);
    return session ? this.store.npcNames(session.id) : [];
  }

  /** A node's `session_state`, relayed by its Fleet. */
  async sessionState(nodeId: string, sessionId: string, state: 'active' | 'ended', reason?: SessionEndReason): Promise<void> {
    const session = this.store.get(sessionId);
    // The Fleet relays only reports for sessions it placed on that node; the
    // report may overtake the placement's answer to startSession.
    if (!session || session.state === 'ended' || (session.nodeId !== null && session.nodeId !== nodeId)) return;
    if (state === 'active' && session.state === 'pending') {
      const now = Date.now();
      this.store.update(sessionId, { state: 'active', nodeId, activatedAt: now, lastHeartbeatAt: now, accruedUntil: now });
      this.settling.settle(sessionId);
      await this.rows.write(sessionId, { state: 'active', nodeId, lastHeartbeatAt: new Date(now) });
      this.log.info('session active', { session_id: sessionId, node_id: nodeId });
      // The month's hours start burning now: warn at once if little is left, and set the alarm for the warning and the end.
      await this.enforceQuota(now);
      await this.armAlarm();
    } else if (state === 'ended') {
      await this.end(sessionId, reason ?? 'failed', { notifyNode: false });
    }
  }

  /**
   * The node running some of this tenant's sessions lost its connection. They
   * stay live for now: back within the heartbeat timeout, it keeps them; they
   * end as `node_lost` otherwise, when their Fleet's sweep finds them silent.
   */
  async nodeDropped(nodeId: string): Promise<void> {
    const affected = this.store.live().filter((s) => s.nodeId === nodeId);
    if (affected.length === 0) return;
    this.log.warn('node of live sessions dropped', { node_id: nodeId, sessions: affected.map((s) => s.id) });
    await this.armAlarm();
  }

  /**
   * Usage deltas from the node; a replayed `seq` is ignored, so nothing counts twice. The
   * node's numbers are input (a dedicated pool's node may be self-hosted): a delta that
   * would take the session past what its time allows (`usageOverBound`) is refused,
   * logged and counted, and the field it broke is returned for the node to hear.
   */
  usage(sessionId: string, seq: number, delta: UsageDelta): string | null {
    const session = this.store.get(sessionId);
    if (!session || seq <= session.usageSeq) return null;
    const now = Date.now();
    const sofar = this.store.sessionUsage(sessionId);
    const totals = { llmTokens: sofar.llmTokens + delta.llmTokens, sttSeconds: sofar.sttSeconds + delta.sttSeconds, ttsChars: sofar.ttsChars + delta.ttsChars, toolCalls: sofar.toolCalls + delta.toolCalls };
    const over = usageOverBound(totals, (now - (session.activatedAt ?? session.createdAt)) / 3600_000);
    if (over) {
      this.store.count('usage_refused');
      this.log.warn('usage beyond what the session\'s time allows refused', { session_id: sessionId, node_id: session.nodeId, seq, field: over, llm: delta.llmTokens, stt_seconds: delta.sttSeconds, tts_chars: delta.ttsChars, tool_calls: delta.toolCalls });
      return USAGE_FIELDS[over];
    }
    this.store.addUsage(sessionId, periodOf(now), delta);
    this.store.update(sessionId, { usageSeq: seq });
    return null;
  }

  /** Usage the coordinator would not take from nodes, and usage Postgres could not store (set aside at a flush). */
  usageAnomalies(): { refused_usage_messages: number; usage_set_aside: number } {
    return { refused_usage_messages: this.store.counter('usage_refused'), usage_set_aside: this.store.counter('usage_set_aside') };
  }

  /**
   * Transcript lines from the node running the session, relayed by its Fleet, stored with
   * the session's campaign and pushed to its live listeners, if any. Lines that arrive while
   * a write runs go together in the next (one round however many batches came); the promise
   * settles with the write that carried them, so the Fleet can ask the node to resend a
   * batch that was not stored. A batch resent adds nothing and pushes nothing.
   */
  async transcript(sessionId: string, entries: TranscriptEntry[]): Promise<void> {
    const session = this.store.get(sessionId);
    if (!session) return;
    await this.transcripts.add(
      entries.map((e) => ({ sessionId, campaignId: session.campaignId, speakerId: e.speaker_id, speakerName: e.speaker_name, npc: e.npc ?? false, text: e.text, tool: e.tool ?? null, spokenAt: new Date(e.at) })),
    );
  }

  /** Newly stored lines to their sessions' live listeners, if any. */
  private pushLive(stored: SessionEntry[]): void {
    for (const entry of stored) {
      const listeners = this.sockets(entry.sessionId);
      if (listeners.length === 0) continue;
      const line = liveLine(entry);
      for (const ws of listeners) this.send(ws, line);
    }
  }

  /**
   * The DM changed a campaign's NPCs (on the web): each running session of that campaign
   * gets its roster anew from Postgres, through the Fleet of its node, so the change applies
   * from the next turn without a restart. Answers how many sessions were told.
   */
  async npcsChanged(campaignId: string): Promise<number> {
    const running = this.runningIn(campaignId);
    if (running.length === 0) return 0;
    const npcs = await this.database.run((db) => loadNpcDefinitions(db, this.tenantId, campaignId));
    if (!npcs) return 0;
    for (const s of running) await fleetOf(this.env, s.pool).notify(s.nodeId!, { type: 'npc_roster', session_id: s.id, npcs });
    this.log.info('npc roster relayed', { campaign_id: campaignId, sessions: running.length, npcs: npcs.length });
    return running.length;
  }

  /**
   * The DM changed a campaign's entities or relationships: as with `npcsChanged`, each
   * running session of it gets its facts anew, so NPCs know of the change from their next
   * turn. Lore needs no relay: the knowledge tool reads it from Postgres at each call.
   */
  async knowledgeChanged(campaignId: string): Promise<number> {
    const running = this.runningIn(campaignId);
    if (running.length === 0) return 0;
    const facts = await this.database.run((db) => loadCampaignFacts(db, this.tenantId, campaignId));
    if (!facts) return 0;
    for (const s of running) await fleetOf(this.env, s.pool).notify(s.nodeId!, { type: 'campaign_facts', session_id: s.id, ...facts });
    this.log.info('campaign facts relayed', { campaign_id: campaignId, sessions: running.length, entities: facts.entities.length, relationships: facts.relationships.length });
    return running.length;
  }

  /** The campaign's sessions placed on a node (one still pending placement gets the change at its start). */
  private runningIn(campaignId: string): LiveSession[] {
    return this.store.live().filter((s) => s.campaignId === campaignId && s.nodeId !== null);
  }

  /** Relays a DM's NPC command to the node running the session. */
  async npcCommand(sessionId: string, command: Omit<NpcCommand, 'type' | 'request_id' | 'session_id'>): Promise<Outcome<unknown>> {
    const session = this.store.get(sessionId);
    if (!session || session.state === 'ended') return refuse(404, 'no_running_session', 'There is no running session to send that to.');
    if (!session.nodeId) return refuse(409, 'session_starting', 'The session is still starting; try again in a moment.');
    return fleetOf(this.env, session.pool).request(session.nodeId, { ...command, type: 'npc_command', session_id: sessionId } as NpcCommand);
  }

  /** Ends every live session and forgets the tenant: part of deleting it. */
  async deleteTenant(): Promise<number> {
    const live = this.store.live();
    for (const s of live) await this.end(s.id, 'tenant_deleted', { notifyNode: true, writeThrough: false });
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.store.createTables();
    return live.length;
  }

  /**
   * Its Fleet's sweep found some of this tenant's sessions past their heartbeat deadline, or
   * the flush due (the Fleet keeps when, from this answer): the alarm's work runs now, with
   * the listings the Fleet holds, so it neither asks for them nor sets an alarm for the flush
   * (see `armAlarm`). Answers when the next flush falls due, null while nothing runs.
   */
  async swept(pool: string, listed: Record<string, Listing | null>): Promise<number | null> {
    await this.wake({ pool, listed });
    return this.store.live().some((s) => s.state === 'active') ? this.store.lastFlushAt + this.config.usageFlushIntervalMs : null;
  }

  /** Ends silent sessions, accrues time, flushes when due, applies the quota; then sleeps until the next thing due. */
  override async alarm(): Promise<void> {
    await this.wake();
  }

  /** The alarm's work; `known`: one pool's listings, handed over by its sweep (the others are asked for). */
  private async wake(known?: { pool: string; listed: Record<string, Listing | null> }): Promise<void> {
    const now = Date.now();
    this.store.readBooksAnew();
    try {
      const listings = await this.listings(this.store.live(), known);
      for (const s of this.store.live()) {
        const heard = listings.get(s.id);
        // A later listing is the session's last sign of life: in SQLite with its accrual, one statement.
        const sign = heard && heard.listed > lastSign(s) ? { lastHeartbeatAt: heard.listed } : {};
        Object.assign(s, sign);
        const silentMs = now - Math.max(lastSign(s), heard?.deadlineFrom ?? 0);
        if (silentMs >= this.config.heartbeatTimeoutMs) {
          this.store.update(s.id, sign);
          this.log.warn('session lost its node', { session_id: s.id, node_id: s.nodeId, silent_ms: silentMs });
          await this.end(s.id, s.state === 'active' ? 'node_lost' : 'failed', { notifyNode: true, heard: null });
        } else {
          this.ledger.accrue(s, now, sign);
        }
      }
      await this.rows.retry(now);
      // Postgres hears from a coordinator once a flush period, not every alarm:
      // thousands of tenants would otherwise keep it busy with heartbeats.
      if (this.ledger.flushDue(now, this.config.usageFlushIntervalMs)) await this.ledger.flushAndRead(now);
      // After the flush, whose read-back of the month's hours it uses.
      await this.enforceQuota(now, listings);
      this.store.purgeEnded(now - ENDED_RETENTION_MS, now, PURGE_EVERY_MS);
    } catch (error) {
      this.log.error('coordinator alarm failed; retrying', { error: String(error) });
    }
    await this.armAlarm(known !== undefined);
  }

  /**
   * The reserved session's way to its node: the audio assignment, the campaign and
   * providers (decrypting and loading await, hence after the reservation), the row in
   * Postgres, the placement. The browser's audio endpoint for a `websocket` session.
   */
  private async launch(session: LiveSession, tenant: Tenant, transport: AudioTransportKind, deadline: number): Promise<Outcome<SessionView['audio'] | null>> {
    const audio: AudioAssignment =
      transport === 'discord'
        ? { transport, bot_token: (await tenantBotToken(this.env.SECRET_KEYS, tenant))! }
        : { transport, token: randomToken() };
    const content = await this.database.runBy(deadline, (db) => loadSessionContent(db, this.env.SECRET_KEYS, this.tenantId, session.campaignId));
    if (!content) {
      // Never written to Postgres, so there is nothing to write through.
      await this.end(session.id, 'failed', { notifyNode: false, writeThrough: false });
      return refuse(404, 'campaign_not_found', `Campaign ${session.campaignId} is not one of your campaigns (or it was deleted). Pick another with \`/campaign switch\`.`);
    }
    this.store.setNpcNames(session.id, content.npcs.map((npc) => npc.name));
    await this.database.runBy(deadline, (db) =>
      insertSession(db, this.tenantId, {
        id: session.id,
        tenantId: this.tenantId,
        campaignId: session.campaignId,
        guildId: session.guildId,
        channelId: session.channelId,
        startedBy: session.startedBy,
        startedAt: new Date(session.createdAt),
      }),
    );
    const placed = await fleetOf(this.env, session.pool).place({
      type: 'start_session',
      session_id: session.id,
      tenant_id: this.tenantId,
      campaign_id: session.campaignId,
      guild_id: session.guildId,
      channel_id: session.channelId,
      started_by: session.startedBy,
      ...content,
      audio,
    });
    if (!placed.ok) {
      await this.end(session.id, 'failed', { notifyNode: false });
      return placed;
    }
    const { nodeId, audioUrl } = placed.value;
    this.store.update(session.id, { nodeId });
    // The session runs now: a database too busy for this write does not undo it (the write is kept and done again).
    await this.rows.write(session.id, { nodeId }, Math.max(1, deadline - Date.now()));
    return succeed(audio.transport === 'websocket' ? { transport: 'websocket', url: audioUrl, token: audio.token } : null);
  }

  /**
   * Ends a session. Its listing is asked of its Fleet first unless the caller just did
   * (`heard`; null: none, or not to be counted). A session its node is known to run (the
   * listing's `alive`) is billed to its end, never past the month's hours; any other (its
   * node lost, gone quiet, or not known alive) up to its last sign of life: a session whose
   * node died is not billed until someone noticed.
   */
  private async end(sessionId: string, reason: SessionEndReason, options: { notifyNode: boolean; writeThrough?: boolean | 'later'; heard?: Listing | null }): Promise<void> {
    const found = this.store.get(sessionId);
    if (!found || found.state === 'ended') return;
    let heard = options.heard;
    if (found.nodeId && heard === undefined) {
      // Without an answer, the last sign known here stands: billing errs for the tenant.
      heard = await this.listings([found]).then(
        (listings) => listings.get(sessionId) ?? null,
        (error: unknown) => {
          this.log.warn('last sign of life not learned', { session_id: sessionId, error: String(error) });
          return null;
        },
      );
    }
    if (heard && heard.listed > lastSign(found)) this.store.update(sessionId, { lastHeartbeatAt: heard.listed });
    const alive = found.state === 'active' && reason !== 'node_lost' && heard?.alive === true;
    if (alive) await this.ledger.knowHoursLeft(Date.now());
    const session = this.store.get(sessionId)!;
    if (session.state === 'ended') return;
    const now = Date.now();
    this.ledger.accrueEnded(session, now, alive);
    this.store.update(sessionId, { state: 'ended', endedAt: now, endReason: reason });
    this.settling.settle(sessionId);
    this.endListeners(sessionId, reason);
    this.log.info('session ended', { session_id: sessionId, reason, node_id: session.nodeId });
    if (session.nodeId) {
      await fleetOf(this.env, session.pool).release(sessionId, options.notifyNode ? { nodeId: session.nodeId, reason } : undefined);
    }
    if (options.writeThrough === false) return;
    const ended = { state: 'ended', endedAt: new Date(now), endReason: reason } as const;
    if (options.writeThrough === 'later') {
      this.rows.later(sessionId, now);
      await this.armAlarm();
      this.ctx.waitUntil(this.rows.write(sessionId, ended));
      return;
    }
    if (!(await this.rows.write(sessionId, ended))) await this.armAlarm();
    await this.ledger.flush().catch(() => this.armAlarm());
    // After the answer: the DM's stop does not wait on reading the transcript.
    if (session.campaignId) this.ctx.waitUntil(this.learnFromSession(sessionId));
  }

  /**
   * The ended session's transcript, once the lines still queued are stored (an empty
   * batch settles after them), becomes relationship proposals for the DM and, when the
   * tenant has an embeddings provider, the campaign's memory (embedded passages). A
   * failure only loses proposals or memory, so it is logged rather than raised.
   */
  private async learnFromSession(sessionId: string): Promise<void> {
    try {
      await this.transcripts.add([]);
      const made = await this.database.run((db) => proposeFromTranscript(db, this.tenantId, sessionId));
      if (made > 0) this.log.info('relationship proposals made', { session_id: sessionId, proposals: made });
    } catch (error) {
      this.log.warn('relationship proposals not made', { session_id: sessionId, error: String(error) });
    }
    try {
      const providers = await this.database.run((db) => listTenantProviders(db, this.tenantId));
      const embedder = await tenantEmbedder(this.env.SECRET_KEYS, providers);
      if (!embedder) return;
      // The provider is called between this call's two transactions: a long transcript takes it a while.
      if (await this.database.run((db) => rememberSession(db, this.tenantId, sessionId, embedder), REMEMBER_DEADLINE_MS)) {
        this.log.info('session remembered', { session_id: sessionId });
      }
    } catch (error) {
      this.log.warn('session not remembered', { session_id: sessionId, error: String(error) });
    }
  }

  /** Tells the session's live listeners why it ended and closes their sockets. */
  private endListeners(sessionId: string, reason: SessionEndReason): void {
    for (const ws of this.sockets(sessionId)) {
      this.send(ws, { type: 'ended', reason });
      ws.close(1000, 'session ended');
    }
  }

  /**
   * Ends the running sessions once the month's hours are gone; warns each once when they are
   * nearly gone. The hours count each session's time not yet accrued as its end would bill it
   * (see `end`): to now if its node is known to run it, else to its last sign. Which are known
   * to run is in the listings the caller has (`known`), else asked of the Fleets only when that
   * time could reach the limit; the ends use the same answer.
   */
  private async enforceQuota(now: number, known?: Map<string, Listing>): Promise<void> {
    const active = this.store.live().filter((s) => s.state === 'active');
    if (active.length === 0) return;
    const hours = await this.ledger.hours(now, this.config.usageFlushIntervalMs);
    if (!hours) return;
    const unaccruedHours = (until: (s: LiveSession) => number) => active.reduce((sum, s) => sum + Math.max(0, until(s) - (s.accruedUntil ?? s.activatedAt ?? now)), 0) / 3600_000;
    let listings = known;
    if (!listings && hours.limit !== null && hours.used + unaccruedHours(() => now) >= hours.limit) {
      listings = await this.listings(active).catch((error: unknown) => {
        this.log.warn('listings for the quota not learned', { error: String(error) });
        return undefined;
      });
    }
    const used = hours.used + unaccruedHours((s) => (listings?.get(s.id)?.alive ? now : Math.min(now, lastSign(s))));
    const step = quotaStep({ ...hours, used, running: active.length, warningMs: this.config.quotaWarningMs });
    if (step.action === 'end') {
      for (const s of active) await this.end(s.id, 'quota', { notifyNode: true, heard: listings ? (listings.get(s.id) ?? null) : undefined });
    } else if (step.action === 'warn') {
      for (const s of active.filter((s) => !s.quotaWarned)) await this.warnQuota(s, step.remainingMs);
    }
  }

  /** Tells the table, once, that the month's hours are nearly gone: its node says it in the GM helper's voice, the bot in the session's channel. */
  private async warnQuota(session: LiveSession, remainingMs: number): Promise<void> {
    this.store.update(session.id, { quotaWarned: true });
    this.log.warn('session near quota', { session_id: session.id, remaining_ms: Math.round(remainingMs) });
    const message = `About ${Math.max(1, Math.round(remainingMs / 60_000))} minute(s) of this month's session time are left; the session ends when it runs out.`;
    if (session.nodeId) await fleetOf(this.env, session.pool).notify(session.nodeId, { type: 'session_notice', session_id: session.id, level: 'warning', message });
    const tenant = (await this.ledger.read(Date.now()))?.tenant;
    const botToken = tenant && (await tenantBotToken(this.env.SECRET_KEYS, tenant));
    if (!botToken) return;
    try {
      await discordRest({ baseUrl: this.env.DISCORD_API_BASE, botToken }).createMessage(session.channelId, { content: `⏳ ${message}`, allowed_mentions: { parse: [] } });
    } catch (error) {
      // The spoken warning went out; a channel the bot may not write to costs only this line.
      this.log.warn('quota warning not posted in Discord', { session_id: session.id, channel_id: session.channelId, error: String(error) });
    }
  }

  /**
   * When these sessions' nodes last listed them, as their pools' Fleets know (heartbeats stop
   * at the Fleet), asked of each pool but `known`'s: a later listing is the session's last
   * sign of life, which billing stops at, and its caller keeps it in SQLite, so billing stops
   * there even across a restart of the edge. `deadlineFrom` is what each session's heartbeat
   * timeout counts from (later than the listing while a restarted Fleet gives its nodes a
   * moment to reconnect); `alive`, whether the Fleet knows its node runs it now (a stop then
   * bills to the stop, see `end`).
   */
  private async listings(sessions: LiveSession[], known?: { pool: string; listed: Record<string, Listing | null> }): Promise<Map<string, Listing>> {
    const found = new Map<string, Listing>();
    const placed = sessions.filter((s) => s.nodeId);
    for (const pool of new Set(placed.map((s) => s.pool))) {
      const inPool = placed.filter((s) => s.pool === pool);
      const listed = pool === known?.pool ? known.listed : await fleetOf(this.env, pool).lastListed(inPool.map((s) => s.id));
      for (const s of inPool) {
        const listing = listed[s.id];
        if (listing) found.set(s.id, listing);
      }
    }
    return found;
  }

  /**
   * Sets the alarm for the next thing due (see `nextAlarm`), or clears it when nothing will be.
   * Only a session not yet active has its heartbeat deadline here: an active one's is watched
   * by its Fleet's sweep, which also wakes the coordinator when its flush falls due (`swept`),
   * so the flush's alarm is only a backstop, and an idle tenant's coordinator wakes once a flush
   * period, by its Fleet. Moved earlier only, unless `fromSweep`: the sweep just did what the
   * alarm set before it was waiting for, so it is set without asking when it was due.
   */
  private async armAlarm(fromSweep = false): Promise<void> {
    const now = Date.now();
    const live = this.store.live();
    const active = live.filter((s) => s.state === 'active');
    const hoursLeft = active.length > 0 ? this.ledger.hoursLeft(now, active) : null;
    const at = nextAlarm({
      now,
      lastSigns: live.filter((s) => s.state !== 'active').map(lastSign),
      flushing: this.ledger.pending(active),
      flushSwept: active.length > 0,
      lastFlushAt: this.store.lastFlushAt,
      quota: hoursLeft === null ? null : { hoursLeft, running: active.length, allWarned: active.every((s) => s.quotaWarned) },
      writeRetryAt: this.store.unwrittenRetryAt,
      timing: this.config,
    });
    if (at === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    if (fromSweep) return this.ctx.storage.setAlarm(at);
    const existing = await this.ctx.storage.getAlarm();
    if (existing === null || existing > at) await this.ctx.storage.setAlarm(at);
  }
}
