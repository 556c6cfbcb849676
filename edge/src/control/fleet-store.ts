/** The Fleet's SQLite storage: which session runs on which node, and drained nodes. */
export class FleetStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    this.createSchema();
  }

  /** Creates the tables; again after `deleteAll()` wiped them. */
  createSchema(): void {
    this.sql.exec(`create table if not exists placements (session_id text primary key, node_id text not null, tenant_id text not null)`);
    this.sql.exec(`create index if not exists placements_node on placements (node_id)`);
    this.sql.exec(`create table if not exists drained (node_id text primary key)`);
  }

  place(sessionId: string, nodeId: string, tenantId: string): void {
    this.sql.exec(`insert or replace into placements (session_id, node_id, tenant_id) values (?, ?, ?)`, sessionId, nodeId, tenantId);
  }

  placement(sessionId: string): { nodeId: string; tenantId: string } | null {
    const row = this.sql
      .exec<{ node_id: string; tenant_id: string }>(`select node_id, tenant_id from placements where session_id = ?`, sessionId)
      .toArray()[0];
    return row ? { nodeId: row.node_id, tenantId: row.tenant_id } : null;
  }

  release(sessionId: string): void {
    this.sql.exec(`delete from placements where session_id = ?`, sessionId);
  }

  /** Sessions per node, and which tenants each node serves. */
  loads(): Map<string, { sessions: number; tenants: Set<string> }> {
    const loads = new Map<string, { sessions: number; tenants: Set<string> }>();
    for (const row of this.sql.exec<{ node_id: string; tenant_id: string }>(`select node_id, tenant_id from placements`)) {
      const load = loads.get(row.node_id) ?? { sessions: 0, tenants: new Set<string>() };
      load.sessions++;
      load.tenants.add(row.tenant_id);
      loads.set(row.node_id, load);
    }
    return loads;
  }

  isDrained(nodeId: string): boolean {
    return this.sql.exec(`select 1 from drained where node_id = ?`, nodeId).toArray().length > 0;
  }

  setDrained(nodeId: string, drained: boolean): void {
    if (drained) this.sql.exec(`insert or ignore into drained (node_id) values (?)`, nodeId);
    else this.sql.exec(`delete from drained where node_id = ?`, nodeId);
  }
}
