/**
 * The Fleet's SQLite storage: which session runs on which node, and drained
 * nodes. Placement reads it on every session start, so the hot reads are
 * indexed, and the load per node and the drained set are kept in memory.
 */
export class FleetStore {
  private readonly sql: SqlStorage;
  private drainedCache: Set<string> | undefined;
  private loadCache: Map<string, number> | undefined;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    this.createSchema();
  }

  /** Creates the tables; again after `deleteAll()` wiped them. */
  createSchema(): void {
    this.sql.exec(`create table if not exists placements (session_id text primary key, node_id text not null, tenant_id text not null)`);
    this.sql.exec(`create index if not exists placements_node on placements (node_id)`);
    this.sql.exec(`create index if not exists placements_tenant on placements (tenant_id, node_id)`);
    this.sql.exec(`create table if not exists drained (node_id text primary key)`);
    this.drainedCache = undefined;
    this.loadCache = undefined;
  }

  place(sessionId: string, nodeId: string, tenantId: string): void {
    this.release(sessionId);
    this.sql.exec(`insert into placements (session_id, node_id, tenant_id) values (?, ?, ?)`, sessionId, nodeId, tenantId);
    if (this.loadCache) this.loadCache.set(nodeId, (this.loadCache.get(nodeId) ?? 0) + 1);
  }

  placement(sessionId: string): { nodeId: string; tenantId: string } | null {
    const row = this.sql
      .exec<{ node_id: string; tenant_id: string }>(`select node_id, tenant_id from placements where session_id = ?`, sessionId)
      .toArray()[0];
    return row ? { nodeId: row.node_id, tenantId: row.tenant_id } : null;
  }

  release(sessionId: string): void {
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
