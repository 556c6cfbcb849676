import { deleteMcpServer, getMcpServer, listMcpServers, putMcpServer, type Db } from '@glyphoxa/db';
import { serverToolOf, WHOLE_SERVER } from '@glyphoxa/protocol';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { audit } from '../audit.ts';
import { breakerOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import { urlRefusal } from '../mcp/external/address-guard.ts';
import { guarded } from '../mcp/external/proxy.ts';
import { ToolServerFailure } from '../mcp/external/tool-server-client.ts';
import type { Principal } from '../principal.ts';
import type { McpServerInput } from '../routes/api/mcp-server-schemas.ts';
import { sealHeaders } from '../secrets/mcp-server-headers.ts';
import { viewMcpServer } from '../views/mcp-server.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

/** How many tool servers a tenant may have: every NPC's tools/list asks each of them. */
export const MAX_MCP_SERVERS = 10;

const missing = (tenantId: string, name: string) => new ApiError(404, 'mcp_server_not_found', `Tenant ${tenantId} has no tool server ${name}`);

/** A tenant's own MCP tool servers, proxied to its NPCs by `/mcp`; header values go in, never out. */
export async function listMcpServerViews(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'mcp_servers.view', tenantId);
  await mustGetTenant(ctx.db(), tenantId);
  return (await listMcpServers(ctx.db(), tenantId)).map(viewMcpServer);
}

export async function putMcpServerSettings(ctx: OperationContext, principal: Principal, tenantId: string, name: string, input: McpServerInput) {
  authorize(principal, 'mcp_servers.manage', tenantId);
  const db = ctx.db();
  await mustGetTenant(db, tenantId);
  const refusal = await urlRefusal(ctx.env, new URL(input.url));
  if (refusal) throw new ApiError(422, 'url_refused', refusal, 'url');
  const before = await getMcpServer(db, tenantId, name);
  const fresh: Record<string, string> = {};
  const headersEnc: Record<string, string> = {};
  for (const [header, value] of Object.entries(input.headers)) {
    if (value !== null) fresh[header] = value;
    else if (before?.headersEnc[header]) headersEnc[header] = before.headersEnc[header];
    else throw new ApiError(422, 'invalid_request', `No value is stored for header ${header} to keep`, `headers.${header}`);
  }
  Object.assign(headersEnc, await sealHeaders(ctx.env.SECRET_KEYS, tenantId, name, fresh));
  const server = await putMcpServer(db, tenantId, name, { url: input.url, headersEnc, allowedTools: input.allowed_tools, timeoutMs: input.timeout_ms }, MAX_MCP_SERVERS);
  if (!server) throw new ApiError(409, 'too_many_mcp_servers', `A tenant has at most ${MAX_MCP_SERVERS} tool servers; remove one first`);
  // New settings (another URL, a fixed key) deserve a fresh chance.
  await breakerOf(ctx.env, tenantId, name).reset();
  const view = viewMcpServer(server);
  await audit(ctx, principal, {
    tenantId,
    action: 'mcp_server.put',
    target: `${tenantId}/mcp-servers/${name}`,
    detail: { fields: Object.keys(input), headers_set: Object.keys(fresh) },
    before: before ? viewMcpServer(before) : null,
    after: view,
  });
  return view;
}

export async function deleteMcpServerSettings(ctx: OperationContext, principal: Principal, tenantId: string, name: string) {
  authorize(principal, 'mcp_servers.manage', tenantId, () => missing(tenantId, name));
  const before = await getMcpServer(ctx.db(), tenantId, name);
  if (!before || !(await deleteMcpServer(ctx.db(), tenantId, name))) throw missing(tenantId, name);
  await breakerOf(ctx.env, tenantId, name).reset();
  await audit(ctx, principal, { tenantId, action: 'mcp_server.delete', target: `${tenantId}/mcp-servers/${name}`, before: viewMcpServer(before) });
  return { deleted: name };
}

/**
 * Asks the server for every tool it offers (allowed or not), through the same guards as an
 * NPC's call, so the DM sees what the NPCs would get, or why they would get nothing.
 */
export async function listMcpServerTools(ctx: OperationContext, principal: Principal, tenantId: string, name: string) {
  authorize(principal, 'mcp_servers.manage', tenantId, () => missing(tenantId, name));
  const server = await getMcpServer(ctx.db(), tenantId, name);
  if (!server) throw missing(tenantId, name);
  try {
    const { tools } = await guarded(ctx, server, (client, options) => client.request({ method: 'tools/list', params: {} }, ListToolsResultSchema, options));
    return { tools: tools.map((t) => ({ name: t.name, description: t.description ?? '', allowed: server.allowedTools.includes(t.name) })) };
  } catch (err) {
    if (err instanceof ToolServerFailure) throw new ApiError(502, 'mcp_server_failed', err.message);
    throw err;
  }
}

/** An NPC's `tools` entry that names no tool of the tenant's servers: the NPC's index, the entry's field (`tools.1`), why. */
export interface ServerToolProblem {
  npc: number;
  field: string;
  message: string;
}

/**
 * What the NPCs about to be written grant of servers the tenant does not have, or of tools a
 * server's `allowed_tools` leaves out (a server allowing none yet may be named whole or by
 * tool: the DM allows them there). Every door that writes NPCs asks this before writing.
 * Deleting a server or narrowing its tools later leaves NPCs' entries as they are: they offer
 * nothing until the server or tool is back, the NPC editor marks them, and entries in `kept`
 * (what the NPC held before this write) pass, so such an NPC still saves.
 */
export async function serverToolProblems(db: Db, tenantId: string, npcs: ReadonlyArray<{ tools?: readonly string[] }>, kept: readonly string[] = []): Promise<ServerToolProblem[]> {
  const checked = (entry: string) => serverToolOf(entry) !== null && !kept.includes(entry);
  if (!npcs.some((npc) => npc.tools?.some(checked))) return [];
  const servers = new Map((await listMcpServers(db, tenantId)).map((s) => [s.name, s.allowedTools]));
  return npcs.flatMap((npc, index) =>
    (npc.tools ?? []).flatMap((entry, at) => {
      const grant = serverToolOf(entry);
      if (!grant || !checked(entry)) return [];
      const allowed = servers.get(grant.server);
      const field = `tools.${at}`;
      if (!allowed) return [{ npc: index, field, message: `${field}: the team has no tool server "${grant.server}"` }];
      if (grant.tool === WHOLE_SERVER || allowed.length === 0 || allowed.includes(grant.tool)) return [];
      return [{ npc: index, field, message: `${field}: tool server "${grant.server}" does not allow "${grant.tool}" (it allows ${allowed.join(', ')})` }];
    }),
  );
}
