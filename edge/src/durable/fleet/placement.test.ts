import { describe, expect, it } from 'vitest';
import { chooseNode, poolOf, type NodeCandidate } from './placement.ts';

const node = (nodeId: string, fields: Partial<NodeCandidate> = {}): NodeCandidate => ({
  nodeId,
  capacity: 4,
  load: 0,
  draining: false,
  holdsTenant: false,
  ...fields,
});

describe('which node of a pool a new session goes to', () => {
  it.each([
    { why: 'the least loaded node', nodes: [node('a', { load: 2 }), node('b', { load: 1 }), node('c', { load: 3 })], chosen: 'b' },
    { why: 'load weighed against capacity, not counted', nodes: [node('small', { capacity: 2, load: 1 }), node('big', { capacity: 10, load: 3 })], chosen: 'big' },
    { why: "on a tie, the node already holding the tenant's bot", nodes: [node('a', { load: 1 }), node('b', { load: 1, holdsTenant: true })], chosen: 'b' },
    { why: "the bot's node only on a tie, not when it is busier", nodes: [node('a', { load: 1 }), node('b', { load: 2, holdsTenant: true })], chosen: 'a' },
    { why: 'among equals, the first', nodes: [node('a', { load: 1 }), node('b', { load: 1 }), node('c', { load: 1 })], chosen: 'a' },
    { why: 'never a draining node, however idle', nodes: [node('idle', { draining: true }), node('busy', { load: 3 })], chosen: 'busy' },
    { why: 'never a full node', nodes: [node('full', { capacity: 2, load: 2, holdsTenant: true }), node('free', { load: 3 })], chosen: 'free' },
    { why: 'never a node that has not said hello (no capacity yet)', nodes: [node('new', { capacity: 0 }), node('old', { load: 1 })], chosen: 'old' },
  ])('picks $why', ({ nodes, chosen }) => {
    expect(chooseNode(nodes)?.nodeId).toBe(chosen);
  });

  it('finds no node when every one is full, draining or not greeted', () => {
    expect(chooseNode([node('full', { capacity: 1, load: 1 }), node('draining', { draining: true }), node('new', { capacity: 0 })])).toBeNull();
    expect(chooseNode([])).toBeNull();
  });

  it('spreads a run of starts evenly over the pool', () => {
    const pool = [node('a', { capacity: 2 }), node('b', { capacity: 2 }), node('c', { capacity: 2 })];
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const chosen = chooseNode(pool);
      if (!chosen) break;
      chosen.load++;
      order.push(chosen.nodeId);
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('keeps its candidates as given, so the caller gets its own node back', () => {
    const ws = { id: 'socket' };
    expect(chooseNode([{ ...node('a'), ws }])?.ws).toBe(ws);
  });
});

describe('which pool a tenant runs in', () => {
  it('is its own for a dedicated tenant, the shared one otherwise', () => {
    expect(poolOf({ id: 'acme', licenseTier: 'dedicated' })).toBe('acme');
    expect(poolOf({ id: 'acme', licenseTier: 'shared' })).toBe('shared');
  });
});
