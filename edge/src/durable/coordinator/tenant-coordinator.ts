import {
  appendSessionEntries,
  effectiveLimits,
  flushCoordinator,
  insertSession,
  periodOf,
  splitByPeriod,
  recordSessionUsage,
  tenantWithHours,
  updateSession,
  type SessionEndReason,
} from '@glyphoxa/db';
import type { AudioAssignment, AudioTransportKind, NpcCommand, TranscriptEntry } from '@glyphoxa/protocol';
import { randomToken } from '../../auth/random-token.ts';
import { loadSessionContent } from '../../campaign/session-content.ts';
import { tenantBotToken } from '../../discord/bot-token.ts';
import { createLogger, type Logger } from '@glyphoxa/protocol';
import type { Bindings } from '../../env.ts';
import { viewLiveSession, type SessionView } from '../../views/session.ts';
import { MAX_WAIT_ACTIVE_MS } from '../config.ts';
import { ControlObject } from '../control-object.ts';
import { refuse, succeed, type Outcome } from '../outcome.ts';
import { fleetOf } from '../stubs.ts';
import { poolOf } from '../fleet/placement.ts';
import { CoordinatorStore, type LiveSession, type UsageDelta } from './store.ts';

export interface StartRequest {
  guild_id: string;
  channel_id: string;
  campaign_id?: string | null;
  started_by: string;
  /** Default: `discord` when the tenant has a bot token, else `websocket` (the browser). */
  transport?: AudioTransportKind;
}

/** Ended sessions are remembered this long, so a reconnecting node learns they are over. */
const ENDED_RETENTION_MS = 24 * 3600_000;

/**
 * One per tenant: the single writer of the tenant's live sessions. It enforces
 * the concurrency limit, one live session per guild and the monthly quota,
 * ends sessions whose node stopped heartbeating, accrues usage and flushes it
 * to Postgres idempotently, and writes every transition through to `sessions`.
 */
export class TenantCoordinator extends ControlObject {
  private readonly store: CoordinatorStore;
  private readonly log: Logger = createLogger({ tenant_id: this.tenantId, component: 'tenant-coordinator' });
  /** Starts waiting for their session to leave `pending`, by session id. */
  private readonly settleWaiters = new Map<string, () => void>();

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new CoordinatorStore(ctx.storage.sql);
  }

  /** The tenant this coordinator serves: the name it is addressed by. */
  private get tenantId(): string {
    return this.name;
  }

  /**
   * Reserves, places and starts a session. With `waitActiveMs`, answers once the
   * node reports it active (or it ended, or the wait ran out: then still `pending`).
   */
  async startSession(request: StartRequest, options: { waitActiveMs?: number } = {}): Promise<Outcome<SessionView>> {
    const now = Date.now();
    const context = await this.usageContext(now);
    if (!context) return refuse(404, 'tenant_not_found', `Tenant ${this.tenantId} does not exist`);
    const { tenant, limits, hoursUsed } = context;

    // From here to the reservation nothing awaits, so no other request can
    // interleave: simultaneous starts see each other's reservations.
    const live = this.store.live();
    const sameGuild = live.find((s) => s.guildId === request.guild_id);
    if (sameGuild) {
      return refuse(409, 'guild_session_live', `This server already has a live session (${sameGuild.id}). Stop it before starting another.`);
    }
    if (live.length >= limits.maxConcurrentSessions) {
      return refuse(409, 'concurrency_limit', `Your plan allows ${limits.maxConcurrentSessions} session(s) at a time and that many are running. Stop one first, or upgrade your plan.`);
    }
    if (limits.monthlySessionHours !== null && hoursUsed >= limits.monthlySessionHours) {
      return refuse(402, 'quota_exhausted', `This month's ${limits.monthlySessionHours} session hours are used up (${hoursUsed.toFixed(2)} h). They renew on the 1st (UTC); upgrade your plan for more.`);
    }
    const transport = request.transport ?? (tenant.botTokenEnc ? 'discord' : 'websocket');
    if (transport === 'discord' && !tenant.botTokenEnc) {
      return refuse(409, 'no_bot_token', 'Your Discord bot token is not set, so NPCs cannot join a voice channel. Add it in your settings, or talk to your NPCs from the browser.');
    }
    const session: LiveSession = {
      id: crypto.randomUUID(),
      guildId: request.guild_id,
      channelId: request.channel_id,
      campaignId: request.campaign_id ?? tenant.campaignId,
      startedBy: request.started_by,
      state: 'pending',
      nodeId: null,
      pool: poolOf(tenant),
      createdAt: now,
      activatedAt: null,
      lastHeartbeatAt: null,
      endedAt: null,
      endReason: null,
      accruedUntil: null,
      quotaWarned: false,
      usageSeq: 0,
    };
    this.store.insert(session);
    this.store.startFlushClock(now);
    await this.armAlarm();

    try {
      // Opened only now, after the reservation: decrypting awaits.
      const audio: AudioAssignment =
        transport === 'discord'
          ? { transport, bot_token: (await tenantBotToken(this.env.SECRET_KEYS, tenant))! }
          : { transport, token: randomToken() };
      // Likewise the campaign and the providers: one round of queries.
      const content = await this.database.run((db) => loadSessionContent(db, this.env.SECRET_KEYS, this.tenantId, session.campaignId));
      if (!content) {
        // Never written to Postgres, so there is nothing to write through.
        await this.end(session.id, 'failed', { notifyNode: false, writeThrough: false });
        return refuse(404, 'campaign_not_found', `Campaign ${session.campaignId} is not one of your campaigns (or it was deleted). Pick another with \`/campaign switch\`.`);
      }
      // Discord autocomplete reads the names from here, never from the node.
      this.store.setNpcNames(session.id, content.npcs.map((npc) => npc.name));
      await this.database.run((db) => insertSession(db, this.tenantId, {
        id: session.id,
        tenantId: this.tenantId,
        campaignId: session.campaignId,
        guildId: session.guildId,
        channelId: session.channelId,
        startedBy: session.startedBy,
        startedAt: new Date(now),
      }));
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
      await this.database.run((db) => updateSession(db, this.tenantId, session.id, { nodeId }));
      if (options.waitActiveMs) await this.settled(session.id, Math.min(options.waitActiveMs, MAX_WAIT_ACTIVE_MS));
      const view = viewLiveSession(this.tenantId, this.store.get(session.id)!);
      // The browser's way in, shown to the starter only: never stored, never listed.
      return succeed(audio.transport === 'websocket' ? { ...view, audio: { transport: 'websocket', url: audioUrl, token: audio.token } } : view);
    } catch (error) {
      this.log.error('session start failed', { session_id: session.id, error: String(error) });
      await this.end(session.id, 'failed', { notifyNode: true });
      return refuse(503, 'start_failed', 'The session could not be started. Please try again in a moment.');
    }
  }

  /** Resolves when the session is no longer `pending`, or after `timeoutMs`. */
  private settled(sessionId: string, timeoutMs: number): Promise<void> {
    if (this.store.get(sessionId)?.state !== 'pending') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.settleWaiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(sessionId);
        resolve();
      }
      waiters.set(sessionId, done);
    });
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
      this.settleWaiters.get(sessionId)?.();
      await this.database.run((db) => updateSession(db, this.tenantId, sessionId, { state: 'active', nodeId, lastHeartbeatAt: new Date(now) }));
      this.log.info('session active', { session_id: sessionId, node_id: nodeId });
    } else if (state === 'ended') {
      await this.end(sessionId, reason ?? 'failed', { notifyNode: false });
    }
  }

  /**
   * The node running some of this tenant's sessions lost its connection. They
   * stay live for now: back within the heartbeat timeout, it keeps them; the
   * alarm ends them as `node_lost` otherwise.
   */
  async nodeDropped(nodeId: string): Promise<void> {
    const affected = this.store.live().filter((s) => s.nodeId === nodeId);
    if (affected.length === 0) return;
    this.log.warn('node of live sessions dropped', { node_id: nodeId, sessions: affected.map((s) => s.id) });
    await this.armAlarm();
  }

  /** Usage deltas from the node; a replayed `seq` is ignored, so nothing counts twice. */
  usage(sessionId: string, seq: number, delta: UsageDelta): void {
    const session = this.store.get(sessionId);
    if (!session || seq <= session.usageSeq) return;
    this.store.addUsage(sessionId, periodOf(Date.now()), delta);
    this.store.update(sessionId, { usageSeq: seq });
  }

  /**
   * Transcript lines from the node running the session, relayed by its Fleet,
   * stored with the session's campaign. A batch resent after a reconnect adds nothing.
   */
  async transcript(sessionId: string, entries: TranscriptEntry[]): Promise<void> {
    const session = this.store.get(sessionId);
    if (!session) return;
    const lines = entries.map((e) => ({ speakerId: e.speaker_id, speakerName: e.speaker_name, npc: e.npc ?? false, text: e.text, spokenAt: new Date(e.at) }));
    await this.database.run((db) => appendSessionEntries(db, this.tenantId, { id: sessionId, campaignId: session.campaignId }, lines));
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
    this.store.createSchema();
    return live.length;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      await this.learnLiveness(now);
      for (const s of this.store.live()) {
        const lastSign = s.lastHeartbeatAt ?? s.createdAt;
        if (now - lastSign >= this.config.heartbeatTimeoutMs) {
          this.log.warn('session lost its node', { session_id: s.id, node_id: s.nodeId, silent_ms: now - lastSign });
          await this.end(s.id, s.state === 'active' ? 'node_lost' : 'failed', { notifyNode: true });
        } else {
          this.accrue(s, now);
        }
      }
      // Postgres hears from a coordinator once a flush period, not every alarm:
      // thousands of tenants would otherwise keep it busy with heartbeats.
      if (now - this.store.lastFlushAt >= this.config.usageFlushIntervalMs) await this.flushAndRead(now);
      // After the flush, whose read-back of the month's hours it uses.
      await this.enforceQuota(now);
      this.store.purgeEnded(now - ENDED_RETENTION_MS);
    } catch (error) {
      this.log.error('coordinator alarm failed; retrying', { error: String(error) });
    }
    await this.armAlarm();
  }

  private async end(
    sessionId: string,
    reason: SessionEndReason,
    options: { notifyNode: boolean; writeThrough?: boolean },
  ): Promise<void> {
    const session = this.store.get(sessionId);
    if (!session || session.state === 'ended') return;
    const now = Date.now();
    this.accrue(session, now);
    this.store.update(sessionId, { state: 'ended', endedAt: now, endReason: reason });
    this.settleWaiters.get(sessionId)?.();
    this.log.info('session ended', { session_id: sessionId, reason, node_id: session.nodeId });
    if (session.nodeId) {
      await fleetOf(this.env, session.pool).release(sessionId, options.notifyNode ? { nodeId: session.nodeId, reason } : undefined);
    }
    if (options.writeThrough === false) return;
    await this.database.run((db) => updateSession(db, this.tenantId, sessionId, { state: 'ended', endedAt: new Date(now), endReason: reason }));
    await this.flushUsage().catch(() => this.armAlarm());
  }

  private accrue(session: LiveSession, now: number): void {
    if (session.state !== 'active') return;
    const from = session.accruedUntil ?? session.activatedAt ?? now;
    for (const part of splitByPeriod(from, now)) this.store.addSessionSeconds(session.id, part.period, part.seconds);
    this.store.update(session.id, { accruedUntil: now });
    session.accruedUntil = now;
  }

  /** The tenant, its limits, and the hours used this UTC month: Postgres's plus what is not flushed yet. */
  private async usageContext(now: number) {
    const period = periodOf(now);
    const found = await this.database.run((db) => tenantWithHours(db, this.tenantId, period));
    if (!found) return null;
    for (const s of this.store.live()) this.accrue(s, now);
    const limits = effectiveLimits(found.tenant);
    this.store.recordedHours = { period, hours: found.sessionHours, limit: limits.monthlySessionHours, readAt: now };
    return { tenant: found.tenant, limits, hoursUsed: found.sessionHours + this.store.unflushedHours(period) };
  }

  private async enforceQuota(now: number): Promise<void> {
    const active = this.store.live().filter((s) => s.state === 'active');
    if (active.length === 0) return;
    const period = periodOf(now);
    const cached = this.store.recordedHours;
    if (!cached || cached.period !== period || now - cached.readAt >= this.config.usageFlushIntervalMs) {
      if (!(await this.usageContext(now))) return;
    }
    const recorded = this.store.recordedHours!;
    const limit = recorded.limit;
    if (limit === null) return;
    // What Postgres had, plus what accrued here since (this coordinator is the only writer).
    const used = recorded.hours + this.store.unflushedHours(period);
    if (used >= limit) {
      for (const s of active) await this.end(s.id, 'quota', { notifyNode: true });
      return;
    }
    // Every running session burns the remaining hours at once.
    const remainingMs = ((limit - used) * 3600_000) / active.length;
    if (remainingMs > this.config.quotaWarningMs) return;
    for (const s of active.filter((s) => !s.quotaWarned)) {
      this.store.update(s.id, { quotaWarned: true });
      this.log.warn('session near quota', { session_id: s.id, remaining_ms: Math.round(remainingMs) });
      if (s.nodeId) {
        await fleetOf(this.env, s.pool).notify(s.nodeId, {
          type: 'session_notice',
          session_id: s.id,
          level: 'warning',
          message: `About ${Math.max(1, Math.round(remainingMs / 60_000))} minute(s) of this month's session time are left; the session ends when it runs out.`,
        });
      }
    }
  }

  private async flushUsage(): Promise<void> {
    const totals = this.store.unflushed();
    if (totals.length === 0) return;
    await this.database.run((db) => recordSessionUsage(db, this.tenantId, totals));
    this.store.markFlushed(totals);
    this.store.recordedHours = null;
  }

  /**
   * Sessions past their heartbeat deadline by what this coordinator knows: asks their
   * pool's Fleet when their node last listed them (heartbeats stop at the Fleet, so a
   * healthy session costs nothing here between deadlines) and keeps the later time.
   */
  private async learnLiveness(now: number): Promise<void> {
    const due = this.store.live().filter((s) => s.nodeId && now - (s.lastHeartbeatAt ?? s.createdAt) >= this.config.heartbeatTimeoutMs);
    for (const pool of new Set(due.map((s) => s.pool))) {
      const sessions = due.filter((s) => s.pool === pool);
      const listed = await fleetOf(this.env, pool).lastListed(sessions.map((s) => s.id));
      for (const s of sessions) {
        const at = listed[s.id];
        if (at && at > (s.lastHeartbeatAt ?? s.createdAt)) this.store.update(s.id, { lastHeartbeatAt: at });
      }
    }
  }

  /**
   * The flush period's write-through in one transaction: usage, the sessions' last
   * heartbeats (the web's history view shows them), and the month's hours read back.
   */
  private async flushAndRead(now: number): Promise<void> {
    const totals = this.store.unflushed();
    const heartbeats = this.store
      .live()
      .filter((s) => s.state === 'active' && s.lastHeartbeatAt)
      .map((s) => ({ sessionId: s.id, at: new Date(s.lastHeartbeatAt!) }));
    const period = periodOf(now);
    const found = await this.database.run((db) => flushCoordinator(db, this.tenantId, { totals, heartbeats, period }));
    this.store.markFlushed(totals);
    this.store.recordedHours = found ? { period, hours: found.sessionHours, limit: effectiveLimits(found.tenant).monthlySessionHours, readAt: now } : null;
    this.store.lastFlushAt = now;
  }

  /**
   * The alarm runs while there are live sessions or usage Postgres lacks, and only
   * when something is due: a session's heartbeat deadline, the next flush, the
   * quota's warning or end. A healthy tenant's coordinator so wakes at its sessions'
   * heartbeat deadlines (every minute or so, finding them alive) and once a flush
   * period, rather than every few seconds; never sooner than ALARM_INTERVAL_MS from now.
   */
  private async armAlarm(): Promise<void> {
    const now = Date.now();
    const due = this.nextDue(now);
    if (due === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    const at = Math.max(due, now + this.config.alarmIntervalMs);
    const existing = await this.ctx.storage.getAlarm();
    if (existing === null || existing > at) await this.ctx.storage.setAlarm(at);
  }

  /** When the alarm next has work, or null when it has none. */
  private nextDue(now: number): number | null {
    const live = this.store.live();
    const active = live.filter((s) => s.state === 'active');
    let due = Number.POSITIVE_INFINITY;
    // Heartbeats stay at the Fleet: at the deadline the alarm asks it, finds the
    // session alive and sleeps until the new deadline.
    for (const s of live) due = Math.min(due, (s.lastHeartbeatAt ?? s.createdAt) + this.config.heartbeatTimeoutMs);
    if (active.length > 0 || this.store.unflushed().length > 0) due = Math.min(due, this.store.lastFlushAt + this.config.usageFlushIntervalMs);
    const quota = this.quotaDue(now, active);
    if (quota !== null) due = Math.min(due, quota);
    return Number.isFinite(due) ? due : null;
  }

  /** When the running sessions reach the quota's warning (or, once warned, its end), at their current burn. */
  private quotaDue(now: number, active: LiveSession[]): number | null {
    const recorded = this.store.recordedHours;
    if (!recorded || recorded.limit === null || recorded.period !== periodOf(now) || active.length === 0) return null;
    for (const s of active) this.accrue(s, now);
    const remainingMs = ((recorded.limit - recorded.hours - this.store.unflushedHours(recorded.period)) * 3600_000) / active.length;
    return now + remainingMs - (active.every((s) => s.quotaWarned) ? 0 : this.config.quotaWarningMs);
  }

}
