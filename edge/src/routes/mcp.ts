import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import { bearerToken } from '../auth/constant-time.ts';
import { verifyNpcToolToken, type NpcToolCaller } from '../auth/npc-tool-token.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { callProxiedTool, proxiedTools } from '../mcp/external/proxy.ts';
import { NPC_TOOL_LIST, NPC_TOOLS } from '../mcp/tools.ts';
import { MCP_RATE_LIMIT, rateLimitRefusal } from '../middleware/rate-limit.ts';
import { httpContext, type OperationContext } from '../operations/context.ts';
import { npcPrincipal } from '../principal.ts';
import { DiceNotationError } from '../tools/dice/notation.ts';

const SERVER_INFO = { name: 'glyphoxa-npc-tools', version: '1.0.0' };

/** The bearer token is an NPC tool token: every tool runs as that NPC in that session. */
const npcToolToken = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await verifyNpcToolToken(c.env, bearerToken(c.req.header('authorization')) ?? '');
  if (!caller) throw new ApiError(401, 'unauthorized', 'A valid NPC tool token is required (Authorization: Bearer <token from POST /nodes/tool-tokens>)');
  c.set('toolCaller', caller);
  c.set('principal', npcPrincipal(caller));
  await next();
});

/**
 * `/mcp`: the NPC tools as an MCP server over Streamable HTTP, stateless (one server per
 * request, JSON answers), so any Worker isolate serves any call. The edge's own tools, and
 * the allowed tools of the tenant's MCP servers under their server's name.
 *
 * The rate limit's verdict is asked for at once and awaited only where it must be: before a
 * tool that writes or reaches a tenant's server runs, and before any answer goes out. A tool
 * that only reads runs beside the check, so the limiter's round trip is not added to it; over
 * the limit, its result is dropped for the 429.
 */
export function mcpRoutes() {
  const app = new Hono<AppEnv>();
  app.all('/', npcToolToken, async (c) => {
    const refusal = rateLimitRefusal(c, MCP_RATE_LIMIT);
    const server = npcToolServer(httpContext(c), c.var.toolCaller, refusal);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    const answer = await transport.handleRequest(c.req.raw);
    return (await refusal) ?? answer;
  });
  return app;
}

function npcToolServer(ctx: OperationContext, caller: NpcToolCaller, refusal: Promise<Response | null>): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  const limited = (): Promise<boolean> => refusal.then((r) => r !== null);
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    // Listing asks every tenant server: not before the verdict.
    if (await limited()) return { tools: [] };
    return { tools: [...NPC_TOOL_LIST, ...(await proxiedTools(ctx, caller.tenantId))] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = NPC_TOOLS.find((t) => t.name === request.params.name);
    if (!tool || !tool.readOnly) {
      if (await limited()) return toolError('Too many tool calls; try again shortly');
    }
    if (!tool) return (await callProxiedTool(ctx, caller.tenantId, request.params.name, request.params.arguments ?? {})) ?? toolError(`There is no tool ${request.params.name}`);
    const input = v.safeParse(tool.input, request.params.arguments ?? {});
    if (!input.success) {
      const issue = input.issues[0];
      return toolError(`${v.getDotPath(issue) ?? 'arguments'}: ${issue.message}`);
    }
    try {
      const result = await tool.run(ctx, caller, input.output);
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
    } catch (err) {
      // The model reads tool errors and can say them; only our own refusals are worded for it.
      if (err instanceof DiceNotationError || err instanceof ApiError) return toolError(err.message);
      throw err;
    }
  });
  return server;
}

/** A failed call as MCP reports one to the model: a result with `isError`, not a protocol error. */
function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
