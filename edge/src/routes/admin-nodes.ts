import { deleteNode, getNode, getTenant, insertNode, listNodes, SHARED_POOL, updateNode } from '@glyphoxa/db';
import { Hono } from 'hono';
import { auditAdmin } from '../audit.ts';
import { issueNodeToken } from '../auth/node-token.ts';
import { fleetOf } from '../durable/stubs.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { readJson, readParams } from '../validation.ts';
import { CreateNodeSchema, NodeParamsSchema } from './admin-schemas.ts';

/** Operators' voice-node registry: tokens, the fleet view, drain and revoke. */
export function adminNodeRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/nodes', async (c) => {
    const { pool } = await readJson(c, CreateNodeSchema);
    const db = c.var.db();
    if (pool !== SHARED_POOL && !(await getTenant(db, pool))) {
      throw new ApiError(404, 'tenant_not_found', `pool: no tenant ${pool} to own a dedicated pool`, 'pool');
    }
    const issued = await issueNodeToken();
    await insertNode(db, { id: issued.nodeId, pool, tokenHash: issued.tokenHash });
    await auditAdmin(db, { tenantId: pool === SHARED_POOL ? null : pool, action: 'node.create', target: issued.nodeId, detail: { pool } });
    // The token is shown here once; only its hash is kept.
    return c.json({ node_id: issued.nodeId, pool, token: issued.token }, 201);
  });

  app.get('/nodes', async (c) => {
    const nodes = await listNodes(c.var.db());
    const pools = [...new Set(nodes.map((n) => n.pool))];
    const live = new Map((await Promise.all(pools.map((p) => fleetOf(c.env, p).status()))).flat().map((s) => [s.node_id, s]));
    return c.json({
      nodes: nodes.map((n) => {
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
      }),
    });
  });

  app.post('/nodes/:id/drain', async (c) => {
    const { id } = readParams(c, NodeParamsSchema);
    const db = c.var.db();
    const node = await updateNode(db, id, { draining: true });
    if (!node) throw new ApiError(404, 'node_not_found', `No node ${id}`);
    await fleetOf(c.env, node.pool).setDraining(node.id, true);
    await auditAdmin(db, { action: 'node.drain', target: node.id, detail: { pool: node.pool } });
    return c.json({ node_id: node.id, draining: true });
  });

  app.delete('/nodes/:id', async (c) => {
    const { id } = readParams(c, NodeParamsSchema);
    const db = c.var.db();
    const node = await getNode(db, id);
    if (!node) throw new ApiError(404, 'node_not_found', `No node ${id}`);
    await deleteNode(db, node.id);
    const dropped = await fleetOf(c.env, node.pool).disconnect(node.id);
    await auditAdmin(db, { action: 'node.revoke', target: node.id, detail: { pool: node.pool, dropped_connections: dropped } });
    return c.json({ node_id: node.id, revoked: true });
  });

  return app;
}
