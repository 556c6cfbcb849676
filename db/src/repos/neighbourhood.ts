import { getTableColumns, sql, type Column, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { idLiteral, readAllAsTenant, readAsTenant, textLiteral } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { entities, npcs, relationships, type Entity, type Npc, type Relationship } from '../schema/index.ts';

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
/** readAsTenant's statements carry no parameters: every value in them is a literal. */
const literal = (id: string) => sql.raw(idLiteral(id));
const dialect = new PgDialect();
const statementText = (statement: SQL) => dialect.sqlToQuery(statement).sql;

export interface Neighbourhood {
  /** The start first, then by distance from it (steps along edges, whichever way they point). */
  entities: Array<GraphEntity & { depth: number }>;
  /** The edges walked: each joins two of `entities`. */
  relationships: Relationship[];
}

/**
 * The entities within `depth` steps of `entityId`, breadth first, and the edges walked (those
 * with an end short of the last step), in one round trip (readAsTenant): each entity is
 * expanded once, so a dense campaign costs what it reaches rather than every path to it. The
 * walk is the database function `knowledge_neighbourhood` (db/migrations/0020_knowledge_walk.sql),
 * whose plans the server keeps; the statement only spreads its rows (an entity's or an edge's,
 * whole) into columns.
 * `confirmedOnly` walks confirmed edges only (what NPCs may be told). `null` when the
 * campaign has no such entity.
 */
export async function neighbourhood(
  db: Db,
  tenantId: string,
  campaignId: string,
  entityId: string,
  options: { depth: number; confirmedOnly?: boolean },
): Promise<Neighbourhood | null> {
  const rows = await readAsTenant<WalkRow>(db, tenantId, walkStatement(tenantId, campaignId, literal(entityId), options));
  return graphOf(rows);
}

/** What an NPC's knowledge scope is made of (mayKnow's inputs). */
export type NpcKnowledge = Pick<Npc, 'gmHelper' | 'knowledgeScope'>;
const knowledgeColumns = { gmHelper: npcs.gmHelper, knowledgeScope: npcs.knowledgeScope };

/**
 * What an NPC tool call needs, in one round trip: the NPC's knowledge scope (null when the
 * tenant has no such NPC in a live campaign) and the neighbourhood of the campaign's entity
 * named `name` (any case; null when there is none), as `neighbourhood` walks it.
 */
export async function npcNeighbourhood(
  db: Db,
  tenantId: string,
  npcId: string,
  campaignId: string,
  name: string,
  options: { depth: number; confirmedOnly?: boolean },
): Promise<{ npc: NpcKnowledge; graph: Neighbourhood | null } | null> {
  const tenant = literal(tenantId);
  const npc = sql`select n.gm_helper, n.knowledge_scope from npcs n
    join campaigns c on c.id = n.campaign_id and c.tenant_id = ${tenant} and c.deleted_at is null
    where n.tenant_id = ${tenant} and n.id = ${literal(npcId)}`;
  const walk = walkStatement(
    tenantId,
    campaignId,
    sql`(select e.id from entities e where e.tenant_id = ${tenant} and e.campaign_id = ${literal(campaignId)} and e.name_key = lower(${sql.raw(textLiteral(name))}))`,
    options,
  );
  const [[found], rows] = await readAllAsTenant<[Record<string, unknown>[], WalkRow[]]>(db, tenantId, [statementText(npc), walk]);
  if (!found) return null;
  return { npc: fromDriver<NpcKnowledge>(knowledgeColumns, found), graph: graphOf(rows) };
}

type WalkRow = Record<string, unknown> & { depth: number };

/** The function's rows: an entity's (its edge columns null) or a walked edge's. */
function graphOf(rows: WalkRow[]): Neighbourhood | null {
  if (rows.length === 0) return null;
  const placed: Array<GraphEntity & { depth: number }> = [];
  const walked: Relationship[] = [];
  for (const row of rows) {
    if (row[`${EDGE}id`] === null) placed.push({ ...fromDriver<GraphEntity>(graphColumns, row), depth: row.depth });
    else walked.push(fromDriver<Relationship>(edgeColumns, row, EDGE));
  }
  const entities = placed.sort((a, b) => a.depth - b.depth || a.nameKey!.localeCompare(b.nameKey!));
  return { entities, relationships: walked };
}

/** The walk from `start` (an expression giving the start entity's id, or null for none). */
function walkStatement(tenantId: string, campaignId: string, start: SQL, options: { depth: number; confirmedOnly?: boolean }): string {
  const depth = Math.min(Math.max(Math.trunc(options.depth), 0), MAX_NEIGHBOURHOOD_DEPTH);
  const flag = sql.raw(options.confirmedOnly ? 'true' : 'false');
  return statementText(
    sql`select w.depth, ${entityList}, ${edgeList} from knowledge_neighbourhood(${literal(tenantId)}, ${literal(campaignId)}, ${start}, ${sql.raw(String(depth))}, ${flag}) w`,
  );
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
