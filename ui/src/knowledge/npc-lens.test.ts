import { describe, expect, it } from 'vitest';
import type { Entity, Relationship } from './knowledge-queries.ts';
import { npcLens } from './npc-lens.ts';

const entity = (id: string, type: Entity['type'], tags: string[] = []): Entity => ({
  id,
  campaign_id: 'c',
  name: id,
  type,
  description: `${id}.`,
  tags,
  properties: {},
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});
const edge = (id: string, source: string, target: string, confirmed = true): Relationship => ({
  id,
  campaign_id: 'c',
  source_id: source,
  target_id: target,
  type: 'knows',
  bidirectional: false,
  source: confirmed ? 'dm' : 'transcript',
  session_id: null,
  confidence: confirmed ? 1 : 0.5,
  dm_confirmed: confirmed,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

const entities = [entity('Sildar', 'npc'), entity('Phandalin', 'location'), entity('Black Spider', 'npc', ['secret', 'villain']), entity('Forge', 'item', ['secret'])];
const relationships = [edge('r1', 'Sildar', 'Phandalin'), edge('r2', 'Black Spider', 'Forge'), edge('r3', 'Sildar', 'Black Spider'), edge('r4', 'Phandalin', 'Sildar', false)];

describe('the NPC lens over the graph', () => {
  it('shows an NPC without a scope the common knowledge: no secret entity and no relationship to one', () => {
    const lens = npcLens({ gm_helper: false, knowledge_scope: [] }, entities, relationships);
    expect([...lens.known].sort()).toEqual(['Phandalin', 'Sildar']);
    expect([...lens.relationships]).toEqual(['r1']);
    expect(lens.secret.size).toBe(0);
  });

  it('lets a scope open a secret by its tag, marks it secret, and tells relationships only between two known ends', () => {
    const lens = npcLens({ gm_helper: false, knowledge_scope: ['villain', 'location'] }, entities, relationships);
    expect([...lens.known].sort()).toEqual(['Black Spider', 'Phandalin']);
    expect([...lens.secret]).toEqual(['Black Spider']);
    // Sildar is outside this scope, so neither of his relationships is told.
    expect([...lens.relationships]).toEqual([]);
  });

  it('gives the DM’s assistant everything confirmed, never a proposal', () => {
    const lens = npcLens({ gm_helper: true, knowledge_scope: [] }, entities, relationships);
    expect(lens.known.size).toBe(4);
    expect([...lens.secret].sort()).toEqual(['Black Spider', 'Forge']);
    expect([...lens.relationships].sort()).toEqual(['r1', 'r2', 'r3']);
  });
});
