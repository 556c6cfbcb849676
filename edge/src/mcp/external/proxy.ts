import { listMcpServers, type McpServer } from '@glyphoxa/db';
import { TOOL_SEPARATOR } from '@glyphoxa/protocol';
import { CallToolResultSchema, ListToolsResultSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { breakerOf } from '../../durable/stubs.ts';
import type { OperationContext } from '../../operations/context.ts';
import { openHeaders } from '../../secrets/mcp-server-headers.ts';
import { urlRefusal } from './address-guard.ts';
import { ToolServerFailure, withToolServer } from './tool-server-client.ts';

/** What one proxied tool may bring into the model's context. */
const MAX_DESCRIPTION = 1_000;
const MAX_SCHEMA_BYTES = 16 * 1024;
const MAX_RESULT_TEXT = 32 * 1024;

/**
 * The tools of the tenant's own MCP servers, as its NPCs see them: each server asked at
 * once, only its allowed tools kept, prefixed with its name. A server that fails, is
 * too slow or has its circuit open is left out (and logged): the NPC's own tools and
 * the other servers' still answer within the slowest server's timeout.
 */
export async function proxiedTools(ctx: OperationContext, tenantId: string): Promise<Tool[]> {
  const servers = (await listMcpServers(ctx.db(), tenantId)).filter((s) => s.allowedTools.length > 0);
  const lists = await Promise.all(
    servers.map(async (server) => {
      try {
        const { tools } = await guarded(ctx, server, (client, options) => client.request({ method: 'tools/list', params: {} }, ListToolsResultSchema, options));
        return tools.filter((t) => server.allowedTools.includes(t.name)).flatMap((t) => offered(server, t));
      } catch (err) {
        if (!(err instanceof ToolServerFailure)) throw err;
        ctx.log.warn('tool server left out of tools/list', { tenant: tenantId, server: server.name, reason: err.message });
        return [];
      }
    }),
  );
  return lists.flat();
}

/**
 * Calls `<server>.<tool>` on the tenant's server; null when no server of the tenant offers
 * that tool (an unknown name, or a tool not allowed). The server's own tool errors pass
 * through; its failures come back as a tool error the NPC can say.
 */
export async function callProxiedTool(ctx: OperationContext, tenantId: string, name: string, args: Record<string, unknown>): Promise<CallToolResult | null> {
  const cut = name.indexOf(TOOL_SEPARATOR);
  if (cut <= 0) return null;
  const [serverName, toolName] = [name.slice(0, cut), name.slice(cut + 1)];
  const server = (await listMcpServers(ctx.db(), tenantId)).find((s) => s.name === serverName);
  if (!server || !server.allowedTools.includes(toolName)) return null;
  try {
    const result = await guarded(ctx, server, (client, options) => client.request({ method: 'tools/call', params: { name: toolName, arguments: args } }, CallToolResultSchema, options));
    return passedOn(result);
  } catch (err) {
    if (!(err instanceof ToolServerFailure)) throw err;
    ctx.log.warn('tool server call failed', { tenant: tenantId, server: server.name, tool: toolName, reason: err.message });
    return { content: [{ type: 'text', text: err.message }], isError: true };
  }
}

/**
 * One exchange with a server, through its circuit breaker: refused at once while the
 * circuit is open, and its outcome reported back (a JSON-RPC refusal counts as the
 * server working). The address is checked again before every call, as names move.
 */
export async function guarded<T>(ctx: OperationContext, server: McpServer, work: Parameters<typeof withToolServer<T>>[1]): Promise<T> {
  const breaker = breakerOf(ctx.env, server.tenantId, server.name);
  const admission = await breaker.admit();
  if (!admission.admitted) {
    const seconds = Math.max(1, Math.ceil((admission.retryAt - Date.now()) / 1000));
    throw new ToolServerFailure(`${server.name} is unavailable for now after failing repeatedly; it is tried again in ${seconds} s`);
  }
  const clean = admission.circuit.failures === 0 && admission.circuit.openUntil === 0;
  let ok = false;
  try {
    const refusal = await urlRefusal(ctx.env, new URL(server.url));
    if (refusal) throw new ToolServerFailure(`${server.name} is not called: ${refusal}`);
    const target = { name: server.name, url: server.url, headers: await openHeaders(ctx.env.SECRET_KEYS, server), timeoutMs: server.timeoutMs };
    const result = await withToolServer(target, work);
    ok = true;
    return result;
  } catch (err) {
    if (err instanceof ToolServerFailure && !err.serverFault) ok = true;
    throw err;
  } finally {
    // A healthy server's success changes nothing: no second call to its breaker.
    if (!(ok && clean)) await breaker.record(ok);
  }
}

/** A server's tool as the NPC is offered it, or nothing when its schema is not one a model can be given. */
function offered(server: McpServer, tool: Tool): Tool[] {
  const schema = tool.inputSchema;
  if (schema?.type !== 'object' || JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return [];
  return [{ name: `${server.name}${TOOL_SEPARATOR}${tool.name}`, description: (tool.description ?? '').slice(0, MAX_DESCRIPTION), inputSchema: schema }];
}

/** A server's result as the model gets it: its text (bounded), structured content when small; images and the like are named, not passed. */
function passedOn(result: CallToolResult): CallToolResult {
  let budget = MAX_RESULT_TEXT;
  const content = (result.content ?? []).map((item) => {
    const text = item.type === 'text' ? item.text : `[${item.type} omitted]`;
    const kept = text.slice(0, Math.max(0, budget));
    budget -= kept.length;
    return { type: 'text' as const, text: kept.length < text.length ? `${kept}… [cut]` : kept };
  });
  const structured = result.structuredContent;
  const small = structured && JSON.stringify(structured).length <= MAX_RESULT_TEXT;
  return { content, ...(small ? { structuredContent: structured } : {}), ...(result.isError ? { isError: true } : {}) };
}
