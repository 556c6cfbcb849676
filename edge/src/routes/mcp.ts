import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { Hono, type Context } from 'hono';
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
import { MAX_BODY_BYTES, readBody } from '../validation.ts';

const SERVER_INFO = { name: 'glyphoxa-npc-tools', version: '1.0.0' };

/**
 * One JSON Schema validator for the isolate's servers: left to itself, each `Server` builds
 * its own Ajv instance with every format, most of what a server costs to create. Ours never
 * validates with it (it asks a client for nothing), so one shared, made on first use, does.
 */
let jsonSchemaValidator: AjvJsonSchemaValidator | undefined;

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
    // What the tool itself took, beside the rate limit's part, for the benches and browsers' developer tools.
    const ran = (name: string, ms: number) => c.header('Server-Timing', `tool-${name};dur=${ms.toFixed(2)}`, { append: true });
    const server = npcToolServer(httpContext(c), c.var.toolCaller, refusal, ran);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    const answer = await transport.handleRequest(...(await transportInput(c)));
    // The transport makes its own Response: the headers set on the context (Server-Timing) go on a copy of it.
    return (await refusal) ?? c.newResponse(answer.body, answer);
  });
  return app;
}

/**
 * The request as the transport takes it, its body read once, natively and bounded (validation.ts),
 * and handed over parsed: the transport's own read goes through the body stream chunk by chunk
 * (~9 % of a call's CPU, docs/BENCHMARKS.md). A body that is not JSON goes to the transport as
 * it came, for its own parse-error answer.
 */
async function transportInput(c: Context<AppEnv>): Promise<[Request, { parsedBody: unknown }?]> {
  if (c.req.method !== 'POST') return [c.req.raw];
  const text = new TextDecoder().decode(await readBody(c, MAX_BODY_BYTES));
  try {
    return [c.req.raw, { parsedBody: JSON.parse(text) }];
  } catch {
    return [new Request(c.req.raw, { body: text })];
  }
}

function npcToolServer(ctx: OperationContext, caller: NpcToolCaller, refusal: Promise<Response | null>, ran: (tool: string, ms: number) => void): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} }, jsonSchemaValidator: (jsonSchemaValidator ??= new AjvJsonSchemaValidator()) });
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
    const started = performance.now();
    try {
      const result = await tool.run(ctx, caller, input.output);
      ran(tool.name, performance.now() - started);
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
