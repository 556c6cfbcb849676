import { deleteNode, getNode, getTenant, insertNode, listNodes as readNodes, SHARED_POOL, updateNode } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { issueNodeToken } from '../auth/node-token.ts';
import { fleetOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';

/** Registers a voice node in a pool; its token is in this answer once, only its hash is kept. */
export async function createNode(ctx: OperationContext, principal: Principal, pool: string) {
  authorize(principal, 'platform.nodes', null);
  const db = ctx.db();
  if (pool !== SHARED_POOL && !(await getTenant(db, pool))) {
    throw new ApiError(404, 'tenant_not_found', `pool: no tenant ${pool} to own a dedicated pool`, 'pool');
  }
  const issued = await issueNodeToken();
  await insertNode(db, { id: issued.nodeId, pool, tokenHash: issued.tokenHash });
  await audit(ctx, principal, { tenantId: pool === SHARED_POOL ? null : pool, action: 'node.create', target: issued.nodeId, detail: { pool } });
  return { node_id: issued.nodeId, pool, token: issued.token };
}

/** Every registered node, with its pool's live view where it is connected. */
export async function listNodes(ctx: OperationContext, principal: Principal) {
  authorize(principal, 'platform.observe', null);
  const nodes = await readNodes(ctx.db());
  const pools = [...new Set(nodes.map((n) => n.pool))];
  const live = new Map((await Promise.all(pools.map((p) => fleetOf(ctx.env, p).status()))).flat().map((s) => [s.node_id, s]));
  return nodes.map((n) => {
    const status = live.get(n.id);
    return {
      node_id: n.id,
      pool: n.pool,
      connected: status?.connected ?? false,
      capacity: status?.capacity ?? n.capacity,
      load: status?.load ?? 0,
      version: status?.version ?? n.version,
      region: status?.region ?? n.region,
      draining: n.draining,
      last_seen: status?.last_seen ?? n.lastSeenAt?.toISOString() ?? null,
      created_at: n.createdAt.toISOString(),
    };
  });
}

/** No new sessions go to the node; its running ones finish there. */
export async function drainNode(ctx: OperationContext, principal: Principal, nodeId: string) {
  authorize(principal, 'platform.nodes', null);
  const node = await updateNode(ctx.db(), nodeId, { draining: true });
  if (!node) throw nodeNotFound(nodeId);
  await fleetOf(ctx.env, node.pool).setDraining(node.id, true);
  await audit(ctx, principal, { tenantId: null, action: 'node.drain', target: node.id, detail: { pool: node.pool } });
  return { node_id: node.id, draining: true };
}

/** Forgets the node's token and drops its connection at once. */
export async function revokeNode(ctx: OperationContext, principal: Principal, nodeId: string) {
  authorize(principal, 'platform.nodes', null);
  const db = ctx.db();
  const node = await getNode(db, nodeId);
  if (!node) throw nodeNotFound(nodeId);
  await deleteNode(db, node.id);
  const dropped = await fleetOf(ctx.env, node.pool).disconnect(node.id);
  await audit(ctx, principal, { tenantId: null, action: 'node.revoke', target: node.id, detail: { pool: node.pool, dropped_connections: dropped } });
  return { node_id: node.id, revoked: true };
}

const nodeNotFound = (id: string) => new ApiError(404, 'node_not_found', `No node ${id}`);
