import { describe, expect, it } from 'vitest';
import { boundsOf, layoutGraph, nodeRadius, zoomed } from './graph-layout.ts';

const ids = ['a', 'b', 'c', 'd', 'e', 'lonely'];
const links = [
  { source: 'a', target: 'b' },
  { source: 'a', target: 'c' },
  { source: 'a', target: 'd' },
  { source: 'd', target: 'e' },
  { source: 'e', target: 'gone' },
];
const distance = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);

describe('the graph layout', () => {
  it('draws the same campaign the same way every time', () => {
    expect(layoutGraph(ids, links)).toEqual(layoutGraph(ids, links));
  });

  it('places related entities nearer each other than unrelated ones, none on top of another', () => {
    const placed = new Map(layoutGraph(ids, links).map((p) => [p.id, p]));
    expect(distance(placed.get('a')!, placed.get('b')!)).toBeLessThan(distance(placed.get('b')!, placed.get('e')!));
    const all = [...placed.values()];
    for (const p of all) for (const q of all) if (p !== q) expect(distance(p, q)).toBeGreaterThan(nodeRadius(p.degree) + nodeRadius(q.degree));
  });

  it('counts relationships to entities it holds, and keeps an entity with none in view', () => {
    const placed = layoutGraph(ids, links);
    expect(Object.fromEntries(placed.map((p) => [p.id, p.degree]))).toEqual({ a: 3, b: 1, c: 1, d: 2, e: 1, lonely: 0 });
    const box = boundsOf(placed);
    for (const p of placed) {
      expect(p.x).toBeGreaterThan(box.minX);
      expect(p.x).toBeLessThan(box.minX + box.width);
      expect(p.y).toBeGreaterThan(box.minY);
      expect(p.y).toBeLessThan(box.minY + box.height);
    }
    // Laid out within a few hundred units: the weak pull to the middle holds the lonely one.
    expect(box.width).toBeLessThan(800);
  });

  it('zooms about the middle of the drawing', () => {
    const view = zoomed({ minX: 0, minY: 0, width: 400, height: 200 }, 2);
    expect(view).toEqual({ minX: 100, minY: 50, width: 200, height: 100 });
  });
});
