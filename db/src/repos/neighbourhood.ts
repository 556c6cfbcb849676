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
const entityList = sql.raw(Object.values(graphColumns).map((column) => `e."${column.name}"`).join(', '));
/** Edge columns come back beside the entity's under this prefix. */
const EDGE = 'edge_';
const edgeList = sql.raw(Object.values(edgeColumns).map((column) => `r."${column.name}" as "${EDGE}${column.name}"`).join(', '));
const walkedList = sql.raw(Object.values(edgeColumns).map((column) => `"${column.name}"`).join(', '));
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
 * with an end short of the last step). One statement, one round trip (readAsTenant): each
 * step is a CTE of the nodes first reached there (the edges of the step before's nodes, both
 * ways, minus every node already placed), so each node is expanded once and a dense campaign
 * costs what it reaches rather than every path to it, which a recursive CTE would enumerate.
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
  const rows = await readAsTenant<WalkRow>(db, tenantId, walkStatement(tenantId, campaignId, sql`e.id = ${literal(entityId)}`, options));
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
  const walk = walkStatement(tenantId, campaignId, sql`e.name_key = lower(${sql.raw(textLiteral(name))})`, options);
  const [[found], rows] = await readAllAsTenant<[Record<string, unknown>[], WalkRow[]]>(db, tenantId, [statementText(npc), walk]);
  if (!found) return null;
  return { npc: fromDriver<NpcKnowledge>(knowledgeColumns, found), graph: graphOf(rows) };
}

type WalkRow = Record<string, unknown> & { depth: number };

/** A row per entity and walked edge from it (or one with no edge): entities once, edges once. */
function graphOf(rows: WalkRow[]): Neighbourhood | null {
  if (rows.length === 0) return null;
  const placed = new Map<string, GraphEntity & { depth: number }>();
  const walked: Relationship[] = [];
  for (const row of rows) {
    if (!placed.has(row.id as string)) placed.set(row.id as string, { ...fromDriver<GraphEntity>(graphColumns, row), depth: row.depth });
    if (row[`${EDGE}id`] !== null) walked.push(fromDriver<Relationship>(edgeColumns, row, EDGE));
  }
  const entities = [...placed.values()].sort((a, b) => a.depth - b.depth || a.nameKey!.localeCompare(b.nameKey!));
  return { entities, relationships: walked };
}

/** The walk from the campaign's entity that `start` (a condition on entities `e`) picks. */
function walkStatement(tenantId: string, campaignId: string, start: SQL, options: { depth: number; confirmedOnly?: boolean }): string {
  const depth = Math.min(Math.max(Math.trunc(options.depth), 0), MAX_NEIGHBOURHOOD_DEPTH);
  const [tenant, campaign] = [literal(tenantId), literal(campaignId)];
  const inCampaign = sql`r.tenant_id = ${tenant} and r.campaign_id = ${campaign}${options.confirmedOnly ? sql` and r.dm_confirmed` : sql``}`;
  const steps: SQL[] = [sql`l0 as (select e.id from entities e where e.tenant_id = ${tenant} and e.campaign_id = ${campaign} and ${start})`];
  const level = (n: number) => sql.raw(`l${n}`);
  const walk = (n: number) => sql.raw(`w${n}`);
  for (let step = 1; step <= depth; step++) {
    // Each node's edges by an index lookup, by source (relationships_edge) and by target
    // (relationships_target): `offset 0` keeps the lateral a per-node lookup, whatever the
    // statistics (none on PGlite right after a load) make of a hash join over the campaign.
    steps.push(sql`${walk(step)} as (
      select r.*, r.target_id as reached from ${level(step - 1)} f cross join lateral (select * from relationships r where r.source_id = f.id and ${inCampaign} offset 0) r
      union all
      select r.*, r.source_id from ${level(step - 1)} f cross join lateral (select * from relationships r where r.target_id = f.id and ${inCampaign} offset 0) r)`);
    const earlier = sql.join(Array.from({ length: step }, (_, n) => sql`select id from ${level(n)}`), sql` union all `);
    steps.push(sql`${level(step)} as (select reached as id from ${walk(step)} except (${earlier}))`);
  }
  const reached = sql.join(Array.from({ length: depth + 1 }, (_, n) => sql`select id, ${sql.raw(String(n))} as depth from ${level(n)}`), sql` union all `);
  const walked =
    depth === 0
      ? sql`select * from relationships where false`
      : sql`select distinct on (id) ${walkedList} from (${sql.join(Array.from({ length: depth }, (_, n) => sql`select * from ${walk(n + 1)}`), sql` union all `)}) w`;
  // Each walked edge comes back once, beside the row of its source (always among those reached):
  // plain columns, which cost the database less than building JSON of them.
  return statementText(sql`with ${sql.join(steps, sql`, `)},
    reached as (${reached}),
    walked as (${walked}),
    placed as materialized (
      select e.*, reached.depth from reached
      cross join lateral (select ${entityList} from entities e where e.id = reached.id and e.tenant_id = ${tenant} and e.campaign_id = ${campaign} offset 0) e)
    select placed.*, ${edgeList} from placed left join walked r on r.source_id = placed.id`);
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
