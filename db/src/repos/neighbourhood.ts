import { getTableColumns, sql, type Column } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { entities, relationships, type Entity, type Relationship } from '../schema/index.ts';

/** The neighbourhood is bounded: three steps already span most of a campaign's graph. */
export const MAX_NEIGHBOURHOOD_DEPTH = 3;

/** An entity as a graph shows it: all but its search vector. */
export type GraphEntity = Omit<Entity, 'search'>;
const { search: _search, ...graphColumns } = getTableColumns(entities);
const edgeColumns = getTableColumns(relationships);
const entityList = sql.raw(Object.values(graphColumns).map((column) => `(w.entity)."${column.name}"`).join(', '));
/** An edge's columns come back under this prefix, beside the (null) entity columns of its row. */
const EDGE = 'edge_';
const edgeList = sql.raw(Object.values(edgeColumns).map((column) => `(w.edge)."${column.name}" as "${EDGE}${column.name}"`).join(', '));

export interface Neighbourhood {
  /** The start first, then by distance from it (steps along edges, whichever way they point). */
  entities: Array<GraphEntity & { depth: number }>;
  /** The edges walked: each joins two of `entities`. */
  relationships: Relationship[];
}

/**
 * The entities within `depth` steps of `entityId`, breadth first, and the edges walked (those
 * with an end short of the last step): each entity is expanded once, so a dense campaign costs
 * what it reaches rather than every path to it. The walk is the database function
 * `knowledge_neighbourhood` (db/migrations/0020_knowledge_walk.sql), whose plans the server
 * keeps; this statement only spreads its rows (an entity's or an edge's, whole) into columns.
 * `confirmedOnly` walks confirmed edges only (what NPCs may be told). `null` when the
 * campaign has no such entity.
 */
export function neighbourhood(
  db: Db,
  tenantId: string,
  campaignId: string,
  entityId: string,
  options: { depth: number; confirmedOnly?: boolean },
): Promise<Neighbourhood | null> {
  const depth = Math.min(Math.max(Math.trunc(options.depth), 0), MAX_NEIGHBOURHOOD_DEPTH);
  return withTenant(db, tenantId, async (tx) => {
    // The flag as a literal: a boolean parameter would keep the statement from being inlined (inline-params.ts).
    const rows = await tx.execute<Record<string, unknown> & { depth: number }>(
      sql`select w.depth, ${entityList}, ${edgeList} from knowledge_neighbourhood(${tenantId}, ${campaignId}, ${entityId}, ${depth}, ${sql.raw(options.confirmedOnly ? 'true' : 'false')}) w`,
    );
    if (rows.length === 0) return null;
    const placed: Array<GraphEntity & { depth: number }> = [];
    const walked: Relationship[] = [];
    for (const row of rows) {
      if (row[`${EDGE}id`] === null) placed.push({ ...fromDriver<GraphEntity>(graphColumns, row), depth: row.depth });
      else walked.push(fromDriver<Relationship>(edgeColumns, row, EDGE));
    }
    const entities = placed.sort((a, b) => a.depth - b.depth || a.nameKey!.localeCompare(b.nameKey!));
    return { entities, relationships: walked };
  });
}

/** A row of raw columns (by SQL name, after `prefix`) as drizzle's select would map it. */
function fromDriver<T>(columns: Record<string, Column>, raw: Record<string, unknown>, prefix = ''): T {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = raw[`${prefix}${column.name}`];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T;
}
