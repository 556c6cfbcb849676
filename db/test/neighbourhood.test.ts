import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { createCampaign, insertEntities, insertRelationships, listRelationships, neighbourhood, type Relationship, type RelationshipFields } from '../src/index.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { entities } from '../src/schema/index.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

const ENTITIES = 300;
const RELATIONSHIPS = 900;

/** Deterministic, so a failure is the same graph on the next run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** The walk as the repository promises it, done the plain way: breadth first over every edge touching the frontier. */
function bfs(edges: Relationship[], start: string, depth: number, confirmedOnly: boolean) {
  const usable = edges.filter((edge) => !confirmedOnly || edge.dmConfirmed);
  const depths = new Map([[start, 0]]);
  const walked = new Set<string>();
  let frontier = new Set([start]);
  for (let step = 1; step <= depth; step++) {
    const next = new Set<string>();
    for (const edge of usable) {
      if (!frontier.has(edge.sourceId) && !frontier.has(edge.targetId)) continue;
      walked.add(edge.id);
      for (const end of [edge.sourceId, edge.targetId]) {
        if (!depths.has(end)) {
          depths.set(end, step);
          next.add(end);
        }
      }
    }
    frontier = next;
  }
  return { depths, walked };
}

describe.each(backends())('the neighbourhood in one statement on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const t = uniqueId('walk');
  let campaignId: string;
  let ids: string[];
  let edges: Relationship[];

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    await createTenant(db, { id: t });
    campaignId = (await createCampaign(db, t, { campaign: { name: 'Walks' }, npcs: [], entities: [] }, { makeCurrent: false }))!.id;
    const rand = random(7);
    ids = await withTenant(db, t, async (tx) => {
      await insertEntities(
        tx,
        t,
        campaignId,
        Array.from({ length: ENTITIES }, (_, i) => ({ name: `Place ${i}`, type: 'location' as const, description: `Place number ${i}.`, tags: [`t${i % 5}`], properties: { n: i } })),
      );
      return (await tx.select({ id: entities.id }).from(entities)).map((row) => row.id);
    });
    const seen = new Set<string>();
    const fields: RelationshipFields[] = [];
    while (fields.length < RELATIONSHIPS) {
      // Half the nodes in a dense core, the rest sparse: short and long walks both.
      const pick = () => ids[rand() < 0.6 ? Math.floor(rand() * 40) : Math.floor(rand() * ids.length)]!;
      const [sourceId, targetId] = [pick(), pick()];
      if (sourceId === targetId || seen.has(`${sourceId}:${targetId}`)) continue;
      seen.add(`${sourceId}:${targetId}`);
      fields.push({ sourceId, targetId, type: 'near', source: rand() < 0.3 ? ('transcript' as const) : ('dm' as const), confidence: Math.round(rand() * 100) / 100, bidirectional: rand() < 0.5 });
    }
    await withTenant(db, t, (tx) => insertRelationships(tx, t, campaignId, fields));
    edges = await listRelationships(db, t, campaignId, { offset: 0, limit: RELATIONSHIPS });
    // A fresh PGlite's start and migrations took over 90 s on the shared, loaded machine: a bound, not a speed check.
  }, 240_000);

  afterAll(async () => {
    await deleteTenant(db, t);
    await close();
    await backend.teardown();
  });

  it('reaches what a plain breadth-first search reaches, at the same depths, walking the same edges', async () => {
    const starts = [ids[0]!, ids[5]!, ids[100]!, ids[250]!, ids[299]!];
    for (const start of starts) {
      for (const depth of [0, 1, 2, 3]) {
        for (const confirmedOnly of [false, true]) {
          const expected = bfs(edges, start, depth, confirmedOnly);
          const around = (await neighbourhood(db, t, campaignId, start, { depth, confirmedOnly }))!;
          const label = `${start} depth ${depth}${confirmedOnly ? ' confirmed' : ''}`;
          expect(new Map(around.entities.map((e) => [e.id, e.depth])), label).toEqual(expected.depths);
          expect(around.relationships.map((r) => r.id).sort(), label).toEqual([...expected.walked].sort());
          expect(around.entities[0]!.id).toBe(start);
          expect(around.entities.map((e) => e.depth)).toEqual(around.entities.map((e) => e.depth).sort((a, b) => a - b));
        }
      }
    }
  });

  it('gives rows as the other repositories do: the same entity and edge fields and types', async () => {
    const around = (await neighbourhood(db, t, campaignId, ids[0]!, { depth: 1 }))!;
    const byId = new Map(edges.map((edge) => [edge.id, edge]));
    for (const edge of around.relationships) expect(edge).toEqual(byId.get(edge.id));
    const start = around.entities[0]!;
    const { search: _search, ...expected } = (await withTenant(db, t, (tx) => tx.select().from(entities))).find((e) => e.id === start.id)!;
    expect(start).toEqual({ ...expected, depth: 0 });
    expect(start.createdAt).toBeInstanceOf(Date);
    expect(start.tags).toEqual([expect.stringMatching(/^t\d$/)]);
  });
});
