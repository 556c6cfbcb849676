import { SHARED_POOL, type Tenant } from '@glyphoxa/db/schema';

/** The pool a tenant's sessions run in: its own for dedicated, else the shared one. */
export function poolOf(tenant: Pick<Tenant, 'id' | 'licenseTier'>): string {
  return tenant.licenseTier === 'dedicated' ? tenant.id : SHARED_POOL;
}

/** A connected node of the pool, as placement weighs it. */
export interface NodeCandidate {
  nodeId: string;
  /** Sessions it said it can run; 0 until it said hello. */
  capacity: number;
  /** Sessions placed on it now. */
  load: number;
  draining: boolean;
  /** It already runs one of the tenant's sessions, so it holds the tenant's bot connection. */
  holdsTenant: boolean;
}

/**
 * The node a new session goes to: of the undrained nodes with room, the least loaded
 * for its capacity; on a tie, one already holding the tenant's bot connection (so one
 * bot rarely needs two gateway sessions); among equals, the first. Null when none has room.
 */
export function chooseNode<T extends NodeCandidate>(candidates: Iterable<T>): T | null {
  let best: { node: T; ratio: number } | null = null;
  for (const node of candidates) {
    if (node.draining || node.capacity <= 0 || node.load >= node.capacity) continue;
    const ratio = node.load / node.capacity;
    if (!best || ratio < best.ratio || (ratio === best.ratio && node.holdsTenant && !best.node.holdsTenant)) best = { node, ratio };
  }
  return best?.node ?? null;
}
