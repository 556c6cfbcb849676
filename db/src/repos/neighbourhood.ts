import { getTableColumns, type Column, type InferModelFromColumns } from 'drizzle-orm';
import { textLiteral } from '../sql-literal.ts';
import { idLiteral, readAllAsTenant, readAsTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { rowFromDriver } from '../driver-rows.ts';
import { entities, npcs, relationships, type Entity, type Npc, type Relationship } from '../schema/index.ts';

/** The neighbourhood is bounded: three steps already span most of a campaign's graph. */
export const MAX_NEIGHBOURHOOD_DEPTH = 3;

/** An entity as a graph shows it: all but its search vector. */
export type GraphEntity = Omit<Entity, 'search'>;
const { search: _search, ...graphColumns } = getTableColumns(entities);
const edgeColumns = getTableColumns(relationships);
/** An edge's columns come back under this prefix, beside the (null) entity columns of its row. */
const EDGE = 'edge_';
/** The statement's column list: `entity`'s columns, then `edge`'s under EDGE. */
const columnList = (entity: Record<string, Column>, edge: Record<string, Column>) =>
  [...Object.values(entity).map((c) => `(w.entity)."${c.name}"`), ...Object.values(edge).map((c) => `(w.edge)."${c.name}" as "${EDGE}${c.name}"`)].join(', ');
const wholeColumns = columnList(graphColumns, edgeColumns);

export interface Neighbourhood<E = GraphEntity, R = Relationship> {
  /** The start first, then by distance from it (steps along edges, whichever way they point). */
  entities: Array<E & { depth: number }>;
  /** The edges walked: each joins two of `entities`. */
  relationships: R[];
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
  const rows = await readAsTenant<WalkRow>(db, tenantId, walkStatement(tenantId, campaignId, idLiteral(entityId), options, wholeColumns));
  return graphOf(rows, graphColumns, edgeColumns);
}

/** What an NPC's knowledge scope is made of (mayKnow's inputs). */
export type NpcKnowledge = Pick<Npc, 'gmHelper' | 'knowledgeScope'>;
const knowledgeColumns = { gmHelper: npcs.gmHelper, knowledgeScope: npcs.knowledgeScope };

/**
 * What an NPC is told of an entity and an edge, and what its scope and the walk need: half the
 * columns of whole rows, and none the driver maps at a cost (dates, JSON), so an NPC's tool call
 * reads and maps only what it answers with (the rows were a fifth of its CPU, docs/BENCHMARKS.md).
 */
const knownEntityColumns = pick(graphColumns, ['id', 'name', 'nameKey', 'type', 'description', 'tags']);
const knownEdgeColumns = pick(edgeColumns, ['id', 'sourceId', 'targetId', 'type', 'bidirectional']);
const knownColumns = columnList(knownEntityColumns, knownEdgeColumns);
export type KnownEntity = InferModelFromColumns<typeof knownEntityColumns>;
export type KnownRelationship = InferModelFromColumns<typeof knownEdgeColumns>;

function pick<C extends Record<string, Column>, K extends keyof C>(columns: C, keys: K[]): Pick<C, K> {
  return Object.fromEntries(keys.map((key) => [key, columns[key]])) as Pick<C, K>;
}

export async function npcNeighbourhood(
  db: Db,
  tenantId: string,
  npcId: string,
  campaignId: string,
  name: string,
  options: { depth: number; confirmedOnly?: boolean },
): Promise<{ npc: NpcKnowledge; graph: Neighbourhood<KnownEntity, KnownRelationship> | null } | null> {
  const tenant = idLiteral(tenantId);
  const npc = `select n.gm_helper, n.knowledge_scope from npcs n
    join campaigns c on c.id = n.campaign_id and c.tenant_id = ${tenant} and c.deleted_at is null
    where n.tenant_id = ${tenant} and n.id = ${idLiteral(npcId)}`;
  const walk = walkStatement(
    tenantId,
    campaignId,
    `(select e.id from entities e where e.tenant_id = ${tenant} and e.campaign_id = ${idLiteral(campaignId)} and e.name_key = lower(${textLiteral(name)}))`,
    options,
    knownColumns,
  );
  const [[found], rows] = await readAllAsTenant<[Record<string, unknown>[], WalkRow[]]>(db, tenantId, [npc, walk]);
  if (!found) return null;
  return { npc: rowFromDriver(knowledgeColumns, found), graph: graphOf(rows, knownEntityColumns, knownEdgeColumns) };
}

type WalkRow = Record<string, unknown> & { depth: number };

/** The function's rows (`entity`'s and `edge`'s columns): an entity's (its edge columns null) or a walked edge's. */
function graphOf<E extends Record<string, Column> & { nameKey: Column }, R extends Record<string, Column>>(
  rows: WalkRow[],
  entity: E,
  edge: R,
): Neighbourhood<InferModelFromColumns<E>, InferModelFromColumns<R>> | null {
  if (rows.length === 0) return null;
  const placed: Array<InferModelFromColumns<E> & { depth: number }> = [];
  const walked: InferModelFromColumns<R>[] = [];
  for (const row of rows) {
    if (row[`${EDGE}id`] === null) placed.push({ ...rowFromDriver(entity, row), depth: row.depth });
    else walked.push(rowFromDriver(edge, row, EDGE));
  }
  const key = (e: InferModelFromColumns<E>) => (e as { nameKey: string }).nameKey;
  const entities = placed.sort((a, b) => a.depth - b.depth || key(a).localeCompare(key(b)));
  return { entities, relationships: walked };
}

/**
 * The walk from `start` (an expression giving the start entity's id, or null for none), its rows
 * as `columns`. Plain text, as readAsTenant's statements are (every value a literal, no parameters):
 * drizzle's `sql` built and rendered it anew each call, most of an NPC knowledge call's allocations in drizzle.
 */
function walkStatement(tenantId: string, campaignId: string, start: string, options: { depth: number; confirmedOnly?: boolean }, columns: string): string {
  const depth = Math.min(Math.max(Math.trunc(options.depth), 0), MAX_NEIGHBOURHOOD_DEPTH);
  return `select w.depth, ${columns} from knowledge_neighbourhood(${idLiteral(tenantId)}, ${idLiteral(campaignId)}, ${start}, ${depth}, ${options.confirmedOnly ? 'true' : 'false'}) w`;
}
