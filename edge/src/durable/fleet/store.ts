/**
 * The Fleet's SQLite storage: which session runs on which node, when its node last
 * listed it, and drained nodes. Placement reads it on every session start, and every
 * heartbeat asks where each session it lists is placed, so the hot reads are indexed,
 * and the placements, the load per node and the drained set are kept in memory.
 */
export class FleetStore {
  private readonly sql: SqlStorage;
  private readonly persistListedEveryMs: number;
  private drainedCache: Set<string> | undefined;
  private loadCache: Map<string, number> | undefined;
  /** Every placement by session (read from SQLite once per wake-up, then kept in step). */
  private placementCache: Map<string, { nodeId: string; tenantId: string }> | undefined;
  /** When each session was last listed (exact), and the time its row holds. */
  private listedCache = new Map<string, { at: number; stored: number }>();
  /** Sessions whose listing is due for storage (`persistListedEveryMs` newer than their row), and when they were last stored. */
  private dueListings = new Set<string>();
  private listingsStoredAt = 0;

  /**
   * `persistListedEveryMs`: a session's row takes a new listing time at most this often,
   * so heartbeats cost no write each, and a Fleet that restarts knows every session's
   * last listing to within this much.
   */
  constructor(sql: SqlStorage, persistListedEveryMs: number) {
    this.sql = sql;
    this.persistListedEveryMs = persistListedEveryMs;
    this.createSchema();
  }

  /** Creates the tables; again after `deleteAll()` wiped them. */
  createSchema(): void {
    this.sql.exec(`create table if not exists placements (session_id text primary key, node_id text not null, tenant_id text not null)`);
    this.sql.exec(`create index if not exists placements_node on placements (node_id)`);
    this.sql.exec(`create index if not exists placements_tenant on placements (tenant_id, node_id)`);
    this.sql.exec(`create table if not exists drained (node_id text primary key)`);
    this.sql.exec(`create table if not exists listed (session_id text primary key, at integer not null)`);
    this.drainedCache = undefined;
    this.loadCache = undefined;
    this.placementCache = undefined;
    this.listedCache = new Map();
    this.dueListings = new Set();
  }

  /** Places a session on a node at `at`, which counts as its first listing. */
  place(sessionId: string, nodeId: string, tenantId: string, at: number): void {
    this.release(sessionId);
    this.sql.exec(`insert into placements (session_id, node_id, tenant_id) values (?, ?, ?)`, sessionId, nodeId, tenantId);
    this.placementCache?.set(sessionId, { nodeId, tenantId });
    if (this.loadCache) this.loadCache.set(nodeId, (this.loadCache.get(nodeId) ?? 0) + 1);
    this.storeListed(sessionId, at);
  }

  /** The session's node listed it in a heartbeat at `at`; stored with others by `storeDueListings`. */
  listed(sessionId: string, at: number): void {
    const stored = this.listedCache.get(sessionId)?.stored ?? this.storedListing(sessionId) ?? 0;
    this.listedCache.set(sessionId, { at, stored });
    if (at - stored >= this.persistListedEveryMs) this.dueListings.add(sessionId);
  }

  /**
   * Stores the listings due, in one statement, at most every tenth of `persistListedEveryMs`:
   * one write for the heartbeats of many nodes, not one for each heartbeat (each write is
   * a commit of the object's storage). Returns how long until the listings it left due may
   * be stored (null: none left): the caller stores them then, as no heartbeat may come before
   * the object hibernates, and they would be lost with its memory.
   */
  storeDueListings(now: number): number | null {
    if (this.dueListings.size === 0) return null;
    const wait = this.listingsStoredAt + this.persistListedEveryMs / 10 - now;
    if (wait > 0) return wait;
    const rows: Record<string, number> = {};
    for (const id of this.dueListings) {
      const listing = this.listedCache.get(id);
      if (!listing) continue;
      rows[id] = listing.at;
      this.listedCache.set(id, { at: listing.at, stored: listing.at });
    }
    this.sql.exec(`insert or replace into listed (session_id, at) select key, value from json_each(?)`, JSON.stringify(rows));
    this.dueListings.clear();
    this.listingsStoredAt = now;
    return null;
  }

  /** When the session was last listed (or placed); after a restart, to within `persistListedEveryMs`. */
  lastListed(sessionId: string): number | null {
    return this.listedCache.get(sessionId)?.at ?? this.storedListing(sessionId);
  }

  private storeListed(sessionId: string, at: number): void {
    this.sql.exec(`insert or replace into listed (session_id, at) values (?, ?)`, sessionId, at);
    this.listedCache.set(sessionId, { at, stored: at });
  }

  private storedListing(sessionId: string): number | null {
    return this.sql.exec<{ at: number }>(`select at from listed where session_id = ?`, sessionId).toArray()[0]?.at ?? null;
  }

  placement(sessionId: string): { nodeId: string; tenantId: string } | null {
    return this.byPlacement().get(sessionId) ?? null;
  }

  /** Every placement, for the deadline sweep. */
  placements(): Array<{ sessionId: string; nodeId: string; tenantId: string }> {
    return [...this.byPlacement()].map(([sessionId, placed]) => ({ sessionId, ...placed }));
  }

  hasPlacements(): boolean {
    return this.byPlacement().size > 0;
  }

  private byPlacement(): Map<string, { nodeId: string; tenantId: string }> {
    if (!this.placementCache) {
      this.placementCache = new Map();
      for (const row of this.sql.exec<{ session_id: string; node_id: string; tenant_id: string }>(`select session_id, node_id, tenant_id from placements`)) {
        this.placementCache.set(row.session_id, { nodeId: row.node_id, tenantId: row.tenant_id });
      }
    }
    return this.placementCache;
  }

  release(sessionId: string): void {
    this.sql.exec(`delete from listed where session_id = ?`, sessionId);
    this.listedCache.delete(sessionId);
    this.dueListings.delete(sessionId);
    this.placementCache?.delete(sessionId);
    const [gone] = this.sql.exec<{ node_id: string }>(`delete from placements where session_id = ? returning node_id`, sessionId).toArray();
    if (gone && this.loadCache) {
      const left = (this.loadCache.get(gone.node_id) ?? 1) - 1;
      if (left > 0) this.loadCache.set(gone.node_id, left);
      else this.loadCache.delete(gone.node_id);
    }
  }

  /** Sessions per node (read from SQLite once per wake-up, then kept in step). */
  loads(): ReadonlyMap<string, number> {
    if (!this.loadCache) {
      this.loadCache = new Map();
      for (const row of this.sql.exec<{ node_id: string; n: number }>(`select node_id, count(*) as n from placements group by node_id`)) {
        this.loadCache.set(row.node_id, row.n);
      }
    }
    return this.loadCache;
  }

  /** Nodes already running one of this tenant's sessions (and so holding its bot connection). */
  nodesServing(tenantId: string): Set<string> {
    const rows = this.sql.exec<{ node_id: string }>(`select distinct node_id from placements where tenant_id = ?`, tenantId);
    return new Set([...rows].map((r) => r.node_id));
  }

  /** The sessions placed on a node. */
  sessionsOn(nodeId: string): string[] {
    return [...this.sql.exec<{ session_id: string }>(`select session_id from placements where node_id = ?`, nodeId)].map((r) => r.session_id);
  }

  /** Tenants with sessions placed on a node. */
  tenantsOn(nodeId: string): string[] {
    return [...this.sql.exec<{ tenant_id: string }>(`select distinct tenant_id from placements where node_id = ?`, nodeId)].map((r) => r.tenant_id);
  }

  isDrained(nodeId: string): boolean {
    this.drainedCache ??= new Set([...this.sql.exec<{ node_id: string }>(`select node_id from drained`)].map((r) => r.node_id));
    return this.drainedCache.has(nodeId);
  }

  setDrained(nodeId: string, drained: boolean): void {
    if (drained) this.sql.exec(`insert or ignore into drained (node_id) values (?)`, nodeId);
    else this.sql.exec(`delete from drained where node_id = ?`, nodeId);
    this.drainedCache = undefined;
  }
}
