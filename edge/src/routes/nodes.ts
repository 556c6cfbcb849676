import { getNode, type VoiceNode } from '@glyphoxa/db';
import { ToolTokenRequestSchema } from '@glyphoxa/protocol';
import { Hono, type Context } from 'hono';
import { bearerToken } from '../auth/constant-time.ts';
import { nodeSecretMatches, readNodeToken } from '../auth/node-token.ts';
import { fleetOf } from '../durable/stubs.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { httpContext } from '../operations/context.ts';
import { mintNpcToolToken } from '../operations/npc-tools.ts';
import { readJson } from '../validation.ts';

/**
 * `GET /nodes/connect`: a voice node checks in. Its token is verified here,
 * before the upgrade, and the socket is handed to its pool's Fleet.
 * `POST /nodes/tool-tokens`: the node fetches its NPC's token for `/mcp`.
 */
export function nodeRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/connect', async (c) => {
    const node = await authenticatedNode(c);
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError(426, 'upgrade_required', 'Connect with a WebSocket upgrade');
    }
    // Only headers we set reach the Fleet: a node cannot claim another id, and its pool is the Fleet it reaches.
    const headers = new Headers({ upgrade: 'websocket', 'x-glyphoxa-node-id': node.id });
    for (const name of ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']) {
      const value = c.req.header(name);
      if (value) headers.set(name, value);
    }
    return fleetOf(c.env, node.pool).fetch(new Request(c.req.url, { headers }));
  });

  app.post('/tool-tokens', async (c) => {
    const node = await authenticatedNode(c);
    return c.json(await mintNpcToolToken(httpContext(c), node.id, await readJson(c, ToolTokenRequestSchema)), 201);
  });

  return app;
}

/** The node whose token the request bears, or a 401. */
async function authenticatedNode(c: Context<AppEnv>): Promise<VoiceNode> {
  const presented = readNodeToken(bearerToken(c.req.header('authorization')) ?? '');
  const node = presented ? await getNode(c.var.db(), presented.nodeId) : null;
  if (!presented || !node || !(await nodeSecretMatches(presented.secret, node.tokenHash))) {
    c.var.log.warn('node token refused', { node_id: presented?.nodeId });
    throw new ApiError(401, 'unauthorized', 'A valid node token is required (Authorization: Bearer <node token>)');
  }
  return node;
}
