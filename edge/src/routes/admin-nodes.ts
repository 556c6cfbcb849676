import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { httpContext } from '../operations/context.ts';
import { createNode, drainNode, listNodes, revokeNode } from '../operations/nodes.ts';
import { readJson, readParams } from '../validation.ts';
import { CreateNodeSchema, NodeParamsSchema } from './admin-schemas.ts';

/** Operators' voice-node registry: tokens, the fleet view, drain and revoke, over operations/nodes.ts. */
export function adminNodeRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/nodes', async (c) => {
    const { pool } = await readJson(c, CreateNodeSchema);
    return c.json(await createNode(httpContext(c), c.var.principal, pool), 201);
  });

  app.get('/nodes', async (c) => c.json({ nodes: await listNodes(httpContext(c), c.var.principal) }));

  app.post('/nodes/:id/drain', async (c) => c.json(await drainNode(httpContext(c), c.var.principal, readParams(c, NodeParamsSchema).id)));

  app.delete('/nodes/:id', async (c) => c.json(await revokeNode(httpContext(c), c.var.principal, readParams(c, NodeParamsSchema).id)));

  return app;
}
