import { MCP_SERVER_NAME_PATTERN } from '@glyphoxa/protocol';
import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantPolicies } from '../tenant-isolation/policies.ts';
import { tenants } from './tenants.ts';

export { MCP_SERVER_NAME_PATTERN };
/** Bounds of one call to a tool server, in ms: long enough for a look-up, short enough for a conversation. */
export const MCP_SERVER_TIMEOUT_MS = { min: 100, max: 10_000, default: 3_000 } as const;

/**
 * A tenant's own MCP server (Streamable HTTP), proxied by the edge's `/mcp`: only its
 * `allowedTools` reach the tenant's NPCs, each call bounded by `timeoutMs`.
 */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    url: text('url').notNull(),
    /** Header name to its value sealed by the edge's secrets module (context `tenant:<id>:mcp-server:<name>:header:<header>`); never plaintext. */
    headersEnc: jsonb('headers_enc').$type<Record<string, string>>().notNull().default({}),
    /** The server's own tool names (unprefixed) its NPCs may call; none listed, none offered. */
    allowedTools: text('allowed_tools').array().notNull().default(sql`'{}'::text[]`),
    timeoutMs: integer('timeout_ms').notNull().default(MCP_SERVER_TIMEOUT_MS.default),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.name] }),
    check('mcp_servers_name', sql.raw(`name ~ '${MCP_SERVER_NAME_PATTERN.source}'`)),
    check('mcp_servers_timeout', sql.raw(`timeout_ms between ${MCP_SERVER_TIMEOUT_MS.min} and ${MCP_SERVER_TIMEOUT_MS.max}`)),
    ...tenantPolicies('mcp_servers', 'tenant_id'),
  ],
);

export type McpServer = typeof mcpServers.$inferSelect;
export type NewMcpServer = typeof mcpServers.$inferInsert;
