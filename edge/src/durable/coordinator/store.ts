import type { SessionEndReason, SessionState, SessionUsageTotals } from '@glyphoxa/db';

/** A session as its tenant's coordinator holds it; times are epoch milliseconds. */
export interface LiveSession {
  id: string;
  guildId: string;
  channelId: string;
  campaignId: string | null;
  startedBy: string;
  state: SessionState;
  nodeId: string | null;
  pool: string;
  createdAt: number;
  activatedAt: number | null;
  lastHeartbeatAt: number | null;
  endedAt: number | null;
  endReason: SessionEndReason | null;
  /** Session time is accrued up to here. */
  accruedUntil: number | null;
  quotaWarned: boolean;
  /** Highest `usage.seq` taken from the node; lower or equal ones are replays. */
  usageSeq: number;
}

/** A session's last sign of life known here: its last heartbeat (its node listing it), else its start. */
export function lastSign(session: Pick<LiveSession, 'lastHeartbeatAt' | 'createdAt'>): number {
  return session.lastHeartbeatAt ?? session.createdAt;
}

/** A session just reserved: pending, on no node yet. */
export function pendingSession(fields: Pick<LiveSession, 'guildId' | 'channelId' | 'campaignId' | 'startedBy' | 'pool' | 'createdAt'>): LiveSession {
  return {
    id: crypto.randomUUID(),
    ...fields,
    state: 'pending',
    nodeId: null,
    activatedAt: null,
    lastHeartbeatAt: null,
    endedAt: null,
    endReason: null,
    accruedUntil: null,
    quotaWarned: false,
    usageSeq: 0,
  };
}

/** A `usage` row as stored: a session's totals in one month, and how much of them Postgres has. */
interface UsageRow {
  session_id: string;
  period: string;
  session_seconds: number;
  llm_tokens: number;
  stt_seconds: number;
  tts_chars: number;
  tool_calls: number;
  flushed_session_seconds: number;
  flushed_llm_tokens: number;
  flushed_stt_seconds: number;
  flushed_tts_chars: number;
  flushed_tool_calls: number;
}

const usageKey = (sessionId: string, period: string) => `${sessionId} ${period}`;

function unflushedRow(r: UsageRow): boolean {
  return r.session_seconds !== r.flushed_session_seconds || r.llm_tokens !== r.flushed_llm_tokens || r.stt_seconds !== r.flushed_stt_seconds || r.tts_chars !== r.flushed_tts_chars || r.tool_calls !== r.flushed_tool_calls;
}

export interface UsageDelta {
  llmTokens: number;
  sttSeconds: number;
  ttsChars: number;
  toolCalls: number;
}

const SCHEMA = [
  `create table if not exists meta (key text primary key, value text not null)`,
  // Discord interaction ids already run, with when; kept as long as a replay could still be signed in time.
  `create table if not exists interactions (id text primary key, at integer not null)`,
  `create index if not exists interactions_at on interactions (at)`,
  `create table if not exists sessions (
     id text primary key, guild_id text not null, channel_id text not null, campaign_id text,
     started_by text not null, state text not null, node_id text, pool text not null,
     created_at integer not null, activated_at integer, last_heartbeat_at integer,
     ended_at integer, end_reason text, accrued_until integer,
     quota_warned integer not null default 0, usage_seq integer not null default 0)`,
  `create index if not exists sessions_state on sessions (state)`,
  // The session's NPC names as of its start: Discord autocomplete reads them, never the node.
  `create table if not exists session_npcs (session_id text not null, name text not null, primary key (session_id, name))`,
  // Totals per session and month, and how much of them Postgres already has.
  `create table if not exists usage (
     session_id text not null, period text not null,
     session_seconds real not null default 0, llm_tokens integer not null default 0,
     stt_seconds real not null default 0, tts_chars integer not null default 0,
     flushed_session_seconds real not null default 0, flushed_llm_tokens integer not null default 0,
     flushed_stt_seconds real not null default 0, flushed_tts_chars integer not null default 0,
     tool_calls integer not null default 0, flushed_tool_calls integer not null default 0,
     primary key (session_id, period))`,
  // Sessions whose latest state Postgres may lack (its write-through failed, or a start gave up), written again from \`retry_at\` on.
  `create table if not exists unwritten (session_id text primary key, attempts integer not null, retry_at integer not null)`,
  // Node-reported usage that Postgres refused (a value no column holds), kept out of the totals with why.
  `create table if not exists usage_set_aside (
     session_id text not null, period text not null, llm_tokens real not null, stt_seconds real not null,
     tts_chars real not null, session_seconds real not null, error text not null, at integer not null,
     tool_calls real not null default 0)`,
];

/** Columns added to a table of SCHEMA after objects had created it: added where missing. */
const ADDED_COLUMNS = [
  { table: 'usage', column: 'tool_calls', definition: 'integer not null default 0' },
  { table: 'usage', column: 'flushed_tool_calls', definition: 'integer not null default 0' },
  { table: 'usage_set_aside', column: 'tool_calls', definition: 'real not null default 0' },
];

/**
 * Bumped with every change to SCHEMA. A coordinator wakes once a flush period (a fresh object
 * each time, its statements unprepared): finding its tables by one short read, not by parsing
 * every statement above again, saves a sixth of an idle coordinator's wake-up (profiled).
 */
const SCHEMA_VERSION = '3';

const UNFLUSHED = `session_seconds <> flushed_session_seconds or llm_tokens <> flushed_llm_tokens
  or stt_seconds <> flushed_stt_seconds or tts_chars <> flushed_tts_chars or tool_calls <> flushed_tool_calls`;

type CoordinatorCounter = 'usage_refused' | 'usage_set_aside' | 'start_refused_database';

/** The month's session hours Postgres had when last read, with the limit the running sessions are held to. */
export interface RecordedHours {
  period: string;
  hours: number;
  limit: number | null;
  readAt: number;
  /** Usage was written since: `hours` is behind, to be read again. */
  stale?: boolean;
}

/**
 * The coordinator's SQLite storage: its sessions and their usage, durable across evictions.
 * Every write goes through here, so the live sessions, `meta`, the usage rows and the
 * unwritten sessions are also kept in memory, read by one statement each per wake-up: an idle
 * coordinator wakes as a fresh object once a flush period, and its flush asks for the live
 * sessions, the books' meta and the unflushed totals several times (in a profile of 1,000 idle
 * tenants, re-reading them was a sixth of workerd's CPU).
 */
export class CoordinatorStore {
  private readonly sql: SqlStorage;
  /** The live sessions by id, in start order (loaded on first use, then kept in step). */
  private liveCache: Map<string, LiveSession> | undefined;
  /** `meta` as stored (loaded on first use, then kept in step). */
  private metaCache: Map<string, string> | undefined;
  /** `usage` by session and period (loaded on first use, then kept in step). */
  private usageCache: Map<string, UsageRow> | undefined;
  /** `unwritten` by session (loaded on first use, then kept in step). */
  private unwrittenCache: Map<string, { retryAt: number }> | undefined;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    if (!this.schemaCurrent()) this.createSchema();
  }

  /** Creates the tables and marks them current, so a later wake need not create them again. */
  createSchema(): void {
    this.createTables();
    this.setMeta('schema_version', SCHEMA_VERSION);
  }

  /**
   * The tables again after `deleteAll()` wiped them, for the rest of this object's life, but no
   * mark: a deleted tenant's coordinator keeps no row (its next wake, if any, creates them anew).
   */
  createTables(): void {
    for (const statement of SCHEMA) this.sql.exec(statement);
    for (const { table, column, definition } of ADDED_COLUMNS) {
      const present = this.sql.exec(`select 1 from pragma_table_info(?) where name = ?`, table, column).toArray().length > 0;
      if (!present) this.sql.exec(`alter table ${table} add column ${column} ${definition}`);
    }
    this.liveCache = undefined;
    this.metaCache = undefined;
    this.usageCache = undefined;
    this.unwrittenCache = undefined;
  }

  private schemaCurrent(): boolean {
    try {
      return this.meta('schema_version') === SCHEMA_VERSION;
    } catch {
      // A new object: not even `meta` exists yet.
      return false;
    }
  }

  /** Kept here rather than in memory, so a coordinator evicted between alarms need not re-read them. */
  get recordedHours(): RecordedHours | null {
    const value = this.meta('recorded_hours');
    return value ? (JSON.parse(value) as RecordedHours) : null;
  }

  set recordedHours(hours: RecordedHours | null) {
    if (hours) this.setMeta('recorded_hours', JSON.stringify(hours));
    else {
      this.sql.exec(`delete from meta where key = 'recorded_hours'`);
      this.metaCache?.delete('recorded_hours');
    }
  }

  /**
   * The usage rows and unwritten sessions are read again when next asked for: called as a wake-up
   * begins, so each wake-up reads them once, as SQLite has them, whatever came before it.
   */
  readBooksAnew(): void {
    this.usageCache = undefined;
    this.unwrittenCache = undefined;
  }

  /** A periodic flush went to Postgres at `at`, which read back `hours` (null: the tenant is gone): both kept in one statement. */
  flushed(at: number, hours: RecordedHours | null): void {
    if (!hours) {
      this.recordedHours = null;
      this.lastFlushAt = at;
      return;
    }
    const value = JSON.stringify(hours);
    this.sql.exec(`insert or replace into meta (key, value) values ('recorded_hours', ?), ('last_flush_at', ?)`, value, String(at));
    this.metaCache?.set('recorded_hours', value);
    this.metaCache?.set('last_flush_at', String(at));
  }

  /** When usage last went to Postgres (0: never). */
  get lastFlushAt(): number {
    return Number(this.meta('last_flush_at') ?? 0);
  }

  set lastFlushAt(at: number) {
    this.setMeta('last_flush_at', String(at));
  }

  /** A first session starts the flush clock: its first flush is a period later, not at once. */
  startFlushClock(at: number): void {
    if (this.meta('last_flush_at') === null) this.lastFlushAt = at;
  }

  private meta(key: string): string | null {
    if (!this.metaCache) {
      const rows = this.sql.exec<{ key: string; value: string }>(`select key, value from meta`).toArray();
      this.metaCache = new Map(rows.map((r) => [r.key, r.value]));
    }
    return this.metaCache.get(key) ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`insert or replace into meta (key, value) values (?, ?)`, key, value);
    this.metaCache?.set(key, value);
  }

  insert(s: LiveSession): void {
    this.sql.exec(
      `insert into sessions (id, guild_id, channel_id, campaign_id, started_by, state, node_id, pool, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id, s.guildId, s.channelId, s.campaignId, s.startedBy, s.state, s.nodeId, s.pool, s.createdAt,
    );
    if (s.state !== 'ended') this.liveCache?.set(s.id, { ...s });
  }

  get(id: string): LiveSession | null {
    const live = this.lives().get(id);
    if (live) return { ...live };
    const row = this.sql.exec(`select * from sessions where id = ?`, id).toArray()[0];
    return row ? toSession(row) : null;
  }

  /** Sessions that are pending or active, in start order (copies: a change goes through `update`). */
  live(): LiveSession[] {
    return [...this.lives().values()].map((s) => ({ ...s }));
  }

  private lives(): Map<string, LiveSession> {
    this.liveCache ??= new Map(
      this.sql.exec(`select * from sessions where state <> 'ended' order by created_at`).toArray().map((row) => [row.id as string, toSession(row)]),
    );
    return this.liveCache;
  }

  update(id: string, changes: Partial<Omit<LiveSession, 'id'>>): void {
    const columns: Record<string, string> = {
      state: 'state', nodeId: 'node_id', activatedAt: 'activated_at', lastHeartbeatAt: 'last_heartbeat_at',
      endedAt: 'ended_at', endReason: 'end_reason', accruedUntil: 'accrued_until', quotaWarned: 'quota_warned',
      usageSeq: 'usage_seq',
    };
    const entries = Object.entries(changes).filter(([key]) => key in columns);
    if (entries.length === 0) return;
    const assignments = entries.map(([key]) => `${columns[key]} = ?`).join(', ');
    const values = entries.map(([, value]) => (typeof value === 'boolean' ? Number(value) : (value ?? null)));
    this.sql.exec(`update sessions set ${assignments} where id = ?`, ...values, id);
    const cached = this.liveCache?.get(id);
    if (!cached) return;
    if (changes.state === 'ended') this.liveCache!.delete(id);
    else Object.assign(cached, Object.fromEntries(entries.map(([key, value]) => [key, value ?? null])));
  }

  /**
   * Postgres may lack the session's latest state: it is written again (whole) from `now + firstMs`
   * on, the pause doubling with each time this is marked again, at most `maxMs`.
   */
  markUnwritten(sessionId: string, now: number, firstMs: number, maxMs: number): void {
    const [row] = this.sql
      .exec<{ retry_at: number }>(
        `insert into unwritten (session_id, attempts, retry_at) values (?, 0, ? + ?)
         on conflict (session_id) do update set attempts = attempts + 1, retry_at = ? + min(?, ? << min(attempts + 1, 20))
         returning retry_at`,
        sessionId, now, firstMs, now, maxMs, firstMs,
      )
      .toArray();
    this.unwrittenCache?.set(sessionId, { retryAt: row!.retry_at });
  }

  markWritten(sessionId: string): void {
    if (!this.unwrittenRows().has(sessionId)) return;
    this.sql.exec(`delete from unwritten where session_id = ?`, sessionId);
    this.unwrittenCache!.delete(sessionId);
  }

  isUnwritten(sessionId: string): boolean {
    return this.unwrittenRows().has(sessionId);
  }

  /** Sessions whose state Postgres may lack, with when each is next due for writing. */
  unwritten(): Array<{ session: LiveSession; retryAt: number }> {
    return [...this.unwrittenRows()].flatMap(([id, { retryAt }]) => {
      const session = this.get(id);
      return session ? [{ session, retryAt }] : [];
    });
  }

  /** When the next write of an unwritten session is due; null for none. */
  get unwrittenRetryAt(): number | null {
    let at: number | null = null;
    for (const { retryAt } of this.unwrittenRows().values()) at = at === null ? retryAt : Math.min(at, retryAt);
    return at;
  }

  private unwrittenRows(): Map<string, { retryAt: number }> {
    this.unwrittenCache ??= new Map(
      this.sql.exec<{ session_id: string; retry_at: number }>(`select session_id, retry_at from unwritten`).toArray().map((r) => [r.session_id, { retryAt: r.retry_at }]),
    );
    return this.unwrittenCache;
  }

  setNpcNames(sessionId: string, names: readonly string[]): void {
    for (const name of names) this.sql.exec(`insert or ignore into session_npcs (session_id, name) values (?, ?)`, sessionId, name);
  }

  /** Claims an interaction id: true the first time within `keepMs`, false for a repeat. */
  claimInteraction(id: string, now: number, keepMs: number): boolean {
    this.sql.exec(`delete from interactions where at < ?`, now - keepMs);
    return this.sql.exec(`insert into interactions (id, at) values (?, ?) on conflict (id) do nothing returning id`, id, now).toArray().length > 0;
  }

  npcNames(sessionId: string): string[] {
    return this.sql.exec<{ name: string }>(`select name from session_npcs where session_id = ? order by name`, sessionId).toArray().map((r) => r.name);
  }

  addSessionSeconds(sessionId: string, period: string, seconds: number): void {
    this.sql.exec(
      `insert into usage (session_id, period, session_seconds) values (?, ?, ?)
       on conflict (session_id, period) do update set session_seconds = session_seconds + excluded.session_seconds`,
      sessionId, period, seconds,
    );
    const row = this.cachedUsage(sessionId, period);
    if (row) row.session_seconds += seconds;
  }

  addUsage(sessionId: string, period: string, d: UsageDelta): void {
    this.sql.exec(
      `insert into usage (session_id, period, llm_tokens, stt_seconds, tts_chars, tool_calls) values (?, ?, ?, ?, ?, ?)
       on conflict (session_id, period) do update set llm_tokens = llm_tokens + excluded.llm_tokens,
         stt_seconds = stt_seconds + excluded.stt_seconds, tts_chars = tts_chars + excluded.tts_chars, tool_calls = tool_calls + excluded.tool_calls`,
      sessionId, period, d.llmTokens, d.sttSeconds, d.ttsChars, d.toolCalls,
    );
    const row = this.cachedUsage(sessionId, period);
    if (!row) return;
    row.llm_tokens += d.llmTokens;
    row.stt_seconds += d.sttSeconds;
    row.tts_chars += d.ttsChars;
    row.tool_calls += d.toolCalls;
  }

  /** The usage rows by session and period, read on first use. */
  private usageRows(): Map<string, UsageRow> {
    this.usageCache ??= new Map(this.sql.exec<Record<string, SqlStorageValue> & UsageRow>(`select * from usage`).toArray().map((r) => [usageKey(r.session_id, r.period), { ...r }]));
    return this.usageCache;
  }

  /** The cached row a write just changed in SQLite (made if new), to change alike; none while nothing is cached. */
  private cachedUsage(sessionId: string, period: string): UsageRow | undefined {
    if (!this.usageCache) return undefined;
    const key = usageKey(sessionId, period);
    let row = this.usageCache.get(key);
    if (!row) {
      row = { session_id: sessionId, period, session_seconds: 0, llm_tokens: 0, stt_seconds: 0, tts_chars: 0, tool_calls: 0, flushed_session_seconds: 0, flushed_llm_tokens: 0, flushed_stt_seconds: 0, flushed_tts_chars: 0, flushed_tool_calls: 0 };
      this.usageCache.set(key, row);
    }
    return row;
  }

  /** A session's node-reported usage so far, over every month. */
  sessionUsage(sessionId: string): UsageDelta {
    const sum = { llmTokens: 0, sttSeconds: 0, ttsChars: 0, toolCalls: 0 };
    for (const r of this.usageRows().values()) {
      if (r.session_id !== sessionId) continue;
      sum.llmTokens += r.llm_tokens;
      sum.sttSeconds += r.stt_seconds;
      sum.ttsChars += r.tts_chars;
      sum.toolCalls += r.tool_calls;
    }
    return sum;
  }

  /**
   * Takes what `totals` holds beyond what Postgres has out of the books (the node's counts;
   * with `withTime`, the session time too) and keeps it aside with `error`: one value Postgres
   * cannot store must not hold every later flush.
   */
  setAside(totals: SessionUsageTotals, error: string, withTime: boolean, now: number): void {
    const { sessionId, period } = totals;
    this.sql.exec(
      `insert into usage_set_aside (session_id, period, llm_tokens, stt_seconds, tts_chars, tool_calls, session_seconds, error, at)
       select session_id, period, llm_tokens - flushed_llm_tokens, stt_seconds - flushed_stt_seconds, tts_chars - flushed_tts_chars,
         tool_calls - flushed_tool_calls,
         case when ? then session_seconds - flushed_session_seconds else 0 end, ?, ?
       from usage where session_id = ? and period = ?`,
      Number(withTime), error.slice(0, 500), now, sessionId, period,
    );
    this.sql.exec(
      `update usage set llm_tokens = flushed_llm_tokens, stt_seconds = flushed_stt_seconds, tts_chars = flushed_tts_chars, tool_calls = flushed_tool_calls,
         session_seconds = case when ? then flushed_session_seconds else session_seconds end
       where session_id = ? and period = ?`,
      Number(withTime), sessionId, period,
    );
    const row = this.usageCache?.get(usageKey(sessionId, period));
    if (row) {
      Object.assign(row, { llm_tokens: row.flushed_llm_tokens, stt_seconds: row.flushed_stt_seconds, tts_chars: row.flushed_tts_chars, tool_calls: row.flushed_tool_calls });
      if (withTime) row.session_seconds = row.flushed_session_seconds;
    }
    this.count('usage_set_aside');
  }

  /** How often usage was refused from a node (`usage_refused`) or set aside at a flush (`usage_set_aside`), or a start refused for a database that did not serve it in time (`start_refused_database`). */
  counter(name: CoordinatorCounter): number {
    return Number(this.meta(name) ?? 0);
  }

  count(name: CoordinatorCounter): void {
    this.setMeta(name, String(this.counter(name) + 1));
  }

  /** Totals Postgres does not have yet, as absolute values to record. */
  unflushed(): SessionUsageTotals[] {
    return [...this.usageRows().values()]
      .filter(unflushedRow)
      .map((r) => ({
        sessionId: r.session_id,
        period: r.period,
        sessionHours: r.session_seconds / 3600,
        llmTokens: r.llm_tokens,
        sttSeconds: r.stt_seconds,
        ttsChars: r.tts_chars,
        toolCalls: r.tool_calls,
      }));
  }

  /** Marks these totals as recorded (values written, not whatever accrued meanwhile). */
  markFlushed(totals: SessionUsageTotals[]): void {
    for (const t of totals) {
      this.sql.exec(
        `update usage set flushed_session_seconds = ?, flushed_llm_tokens = ?, flushed_stt_seconds = ?, flushed_tts_chars = ?, flushed_tool_calls = ?
         where session_id = ? and period = ?`,
        t.sessionHours * 3600, t.llmTokens, t.sttSeconds, t.ttsChars, t.toolCalls, t.sessionId, t.period,
      );
      const row = this.usageCache?.get(usageKey(t.sessionId, t.period));
      if (row) Object.assign(row, { flushed_session_seconds: t.sessionHours * 3600, flushed_llm_tokens: t.llmTokens, flushed_stt_seconds: t.sttSeconds, flushed_tts_chars: t.ttsChars, flushed_tool_calls: t.toolCalls });
    }
  }

  /** Session hours of `period` that Postgres does not have yet. */
  unflushedHours(period: string): number {
    let seconds = 0;
    for (const r of this.usageRows().values()) if (r.period === period) seconds += r.session_seconds - r.flushed_session_seconds;
    return seconds / 3600;
  }

  /** Forgets ended sessions older than `before` whose usage Postgres has, unless that was done less than `everyMs` ago. */
  purgeEnded(before: number, now: number, everyMs: number): void {
    if (now - Number(this.meta('purged_at') ?? 0) < everyMs) return;
    this.setMeta('purged_at', String(now));
    this.sql.exec(
      `delete from usage where session_id in (select id from sessions where state = 'ended' and ended_at < ?)
       and not (${UNFLUSHED})`,
      before,
    );
    this.sql.exec(
      `delete from sessions where state = 'ended' and ended_at < ? and id not in (select session_id from usage) and id not in (select session_id from unwritten)`,
      before,
    );
    this.sql.exec(`delete from session_npcs where session_id not in (select id from sessions)`);
    this.sql.exec(`delete from usage_set_aside where at < ?`, before);
    // Read again when next asked for: an hourly purge costs that one statement.
    this.usageCache = undefined;
  }
}

function toSession(row: Record<string, SqlStorageValue>): LiveSession {
  return {
    id: row.id as string,
    guildId: row.guild_id as string,
    channelId: row.channel_id as string,
    campaignId: (row.campaign_id as string | null) ?? null,
    startedBy: row.started_by as string,
    state: row.state as SessionState,
    nodeId: (row.node_id as string | null) ?? null,
    pool: row.pool as string,
    createdAt: row.created_at as number,
    activatedAt: (row.activated_at as number | null) ?? null,
    lastHeartbeatAt: (row.last_heartbeat_at as number | null) ?? null,
    endedAt: (row.ended_at as number | null) ?? null,
    endReason: (row.end_reason as SessionEndReason | null) ?? null,
    accruedUntil: (row.accrued_until as number | null) ?? null,
    quotaWarned: Boolean(row.quota_warned),
    usageSeq: (row.usage_seq as number) ?? 0,
  };
}

/** The coordinator's view of a session as its Postgres row. */
export function sessionRowOf(tenantId: string, s: LiveSession) {
  return {
    id: s.id,
    tenantId,
    campaignId: s.campaignId,
    guildId: s.guildId,
    channelId: s.channelId,
    startedBy: s.startedBy,
    state: s.state,
    nodeId: s.nodeId,
    startedAt: new Date(s.createdAt),
    endedAt: s.endedAt === null ? null : new Date(s.endedAt),
    endReason: s.endReason,
    lastHeartbeatAt: s.lastHeartbeatAt === null ? null : new Date(s.lastHeartbeatAt),
  };
}
