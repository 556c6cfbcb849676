import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { deleteMcpServerSettings, listMcpServerTools, listMcpServerViews, putMcpServerSettings } from '../../operations/mcp-servers.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import { DeletedMcpServerAnswer, McpServerAnswer, McpServerBodySchema, McpServerParamsSchema, McpServersAnswer, McpServerToolsAnswer } from './mcp-server-schemas.ts';

/** A tenant's own MCP tool servers (docs/MCP.md), over operations/mcp-servers.ts. */
export function mcpServerRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/mcp-servers', answers("List the tenant's MCP tool servers (header values withheld)", 200, McpServersAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ mcp_servers: await listMcpServerViews(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .put(
      '/tenants/:id/mcp-servers/:name',
      answers('Add or replace a tool server (a header value null keeps the stored one)', 200, McpServerAnswer),
      input('param', McpServerParamsSchema),
      input('json', McpServerBodySchema),
      async (c) => {
        const { id, name } = c.req.valid('param');
        return c.json({ mcp_server: await putMcpServerSettings(httpContext(c), c.var.principal, id, name, c.req.valid('json')) });
      },
    )
    .delete('/tenants/:id/mcp-servers/:name', answers('Remove a tool server', 200, DeletedMcpServerAnswer), input('param', McpServerParamsSchema), async (c) => {
      const { id, name } = c.req.valid('param');
      return c.json(await deleteMcpServerSettings(httpContext(c), c.var.principal, id, name));
    })
    .post('/tenants/:id/mcp-servers/:name/tools', answers('Ask the server for every tool it offers, allowed or not (a test of its settings)', 200, McpServerToolsAnswer), input('param', McpServerParamsSchema), async (c) => {
      const { id, name } = c.req.valid('param');
      return c.json(await listMcpServerTools(httpContext(c), c.var.principal, id, name));
    });
}
