import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { NpcToolSchema, toolGranted } from '../src/npc-tools.ts';

describe("an NPC's tools list", () => {
  it.each([
    ['roll_dice', true],
    ['lorekeeper.search', true],
    ['lorekeeper.*', true],
    ['rules-engine.check.v2', true],
    ['fireball', false],
    ['Lorekeeper.search', false],
    ['lorekeeper.', false],
    ['.search', false],
    ['lorekeeper.sea rch', false],
  ])('%s is an entry: %s', (entry, valid) => {
    expect(v.safeParse(NpcToolSchema, entry).success).toBe(valid);
  });

  it.each([
    { tools: ['roll_dice'], name: 'roll_dice', granted: true },
    { tools: ['roll_dice'], name: 'lookup_rule', granted: false },
    { tools: ['lorekeeper.search'], name: 'lorekeeper.search', granted: true },
    { tools: ['lorekeeper.search'], name: 'lorekeeper.dump', granted: false },
    { tools: ['lorekeeper.*'], name: 'lorekeeper.dump', granted: true },
    { tools: ['lorekeeper.*'], name: 'lorekeeper2.dump', granted: false },
    { tools: ['lorekeeper.*'], name: 'roll_dice', granted: false },
  ])('$tools grants $name: $granted', ({ tools, name, granted }) => {
    expect(toolGranted(tools, name)).toBe(granted);
  });
});
