import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';

/** Where each entity sits in the knowledge graph, laid out by a force simulation run to rest. */

export interface Placed {
  id: string;
  x: number;
  y: number;
  /** Relationships touching it: bigger nodes are the campaign's hubs. */
  degree: number;
}

export interface Bounds {
  minX: number;
  minY: number;
  width: number;
  height: number;
}

type Node = SimulationNodeDatum & { id: string };

/** Room around the outermost nodes for their labels. */
const MARGIN = 48;

/** A node's radius by how connected it is: 6 alone, up to 16 for a hub. */
export function nodeRadius(degree: number): number {
  return Math.min(16, 6 + 2 * Math.sqrt(degree));
}

/**
 * Positions for `ids` joined by `links`, run to rest at once rather than animated: the same
 * campaign always draws the same picture (d3-force starts from a fixed spiral and its own
 * seeded randomness), and nothing moves under the DM's pointer. Links to ids not in `ids`
 * (an entity past the page the screen holds) are left out.
 */
export function layoutGraph(ids: readonly string[], links: readonly { source: string; target: string }[]): Placed[] {
  const known = new Set(ids);
  const kept = links.filter((l) => known.has(l.source) && known.has(l.target) && l.source !== l.target);
  const degree = new Map(ids.map((id) => [id, 0]));
  for (const l of kept) {
    degree.set(l.source, degree.get(l.source)! + 1);
    degree.set(l.target, degree.get(l.target)! + 1);
  }
  const nodes: Node[] = ids.map((id) => ({ id }));
  const edges: SimulationLinkDatum<Node>[] = kept.map((l) => ({ source: l.source, target: l.target }));
  const simulation = forceSimulation(nodes)
    .force('link', forceLink<Node, SimulationLinkDatum<Node>>(edges).id((n) => n.id).distance(70))
    .force('charge', forceManyBody<Node>().strength(-220).distanceMax(600))
    .force('collide', forceCollide<Node>((n) => nodeRadius(degree.get(n.id)!) + 14))
    // A weak pull to the middle keeps entities with no relationship from drifting off.
    .force('x', forceX<Node>(0).strength(0.06))
    .force('y', forceY<Node>(0).strength(0.06))
    .stop();
  const ticks = Math.ceil(Math.log(simulation.alphaMin()) / Math.log(1 - simulation.alphaDecay()));
  simulation.tick(ticks);
  return nodes.map((n) => ({ id: n.id, x: n.x!, y: n.y!, degree: degree.get(n.id)! }));
}

/** The box that holds every node and its label, for the drawing's viewBox. */
export function boundsOf(placed: readonly Placed[]): Bounds {
  if (placed.length === 0) return { minX: -100, minY: -100, width: 200, height: 200 };
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const minX = Math.min(...xs) - MARGIN;
  const minY = Math.min(...ys) - MARGIN;
  return { minX, minY, width: Math.max(...xs) + MARGIN - minX, height: Math.max(...ys) + MARGIN - minY };
}

/** `bounds` scaled by `zoom` about its centre (2: twice as close). */
export function zoomed(bounds: Bounds, zoom: number): Bounds {
  const width = bounds.width / zoom;
  const height = bounds.height / zoom;
  return { minX: bounds.minX + (bounds.width - width) / 2, minY: bounds.minY + (bounds.height - height) / 2, width, height };
}
