import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's MCP tool servers, read through the typed client (edge/src/routes/api/mcp-servers.ts). */

const servers = api.tenants[':id']['mcp-servers'];
export type ToolServer = InferResponseType<typeof servers.$get, 200>['mcp_servers'][number];
export type ToolServerBody = InferRequestType<(typeof servers)[':name']['$put']>['json'];
export type OfferedTool = InferResponseType<(typeof servers)[':name']['tools']['$post'], 200>['tools'][number];

export const toolServerKeys = { list: (tenantId: string) => ['tenants', tenantId, 'mcp-servers'] as const };

export const toolServersQuery = (tenantId: string) =>
  queryOptions({
    queryKey: toolServerKeys.list(tenantId),
    queryFn: async () => (await (await servers.$get({ param: { id: tenantId } })).json()).mcp_servers,
  });

export async function saveToolServer(tenantId: string, name: string, body: ToolServerBody): Promise<ToolServer> {
  return (await (await servers[':name'].$put({ param: { id: tenantId, name }, json: body })).json()).mcp_server;
}

export async function deleteToolServer(tenantId: string, name: string): Promise<void> {
  await servers[':name'].$delete({ param: { id: tenantId, name } });
}

/** Every tool the server offers now (allowed or not); throws the edge's reason when it cannot be asked. */
export async function offeredTools(tenantId: string, name: string): Promise<OfferedTool[]> {
  return (await (await servers[':name'].tools.$post({ param: { id: tenantId, name } })).json()).tools;
}
