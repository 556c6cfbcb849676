import { MCP_SERVER_NAME_PATTERN, MCP_SERVER_TIMEOUT_MS } from '@glyphoxa/db';
import { MCP_TOOL_NAME_PATTERN } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { McpServerViewSchema } from '../../views/mcp-server.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** An HTTP header name (a token). */
const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Headers the MCP transport or fetch sets itself: a tenant's value would break the call or smuggle another. */
const RESERVED_HEADERS = ['host', 'content-length', 'content-type', 'accept', 'connection', 'transfer-encoding', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id'];
const MAX_HEADERS = 20;
const MAX_ALLOWED_TOOLS = 100;

/** `/tenants/:id/mcp-servers/:name` */
export const McpServerParamsSchema = v.object({
  id: TenantIdSchema,
  name: v.pipe(v.string(), v.regex(MCP_SERVER_NAME_PATTERN, 'must be a lowercase letter, then up to 31 lowercase letters, digits, _ or -')),
});

const HeaderName = v.pipe(
  v.string(),
  v.regex(HEADER_NAME_PATTERN, 'must be an HTTP header name'),
  v.toLowerCase(),
  v.check((h) => !RESERVED_HEADERS.includes(h), 'is set by the MCP transport itself'),
);

/**
 * A tenant's tool server. `headers`: each value a text to seal, or null to keep the value
 * already stored under that name (what GET shows in its place); names left out are removed.
 */
export const McpServerBodySchema = v.strictObject({
  url: v.pipe(
    v.string(),
    v.maxLength(2000),
    v.url('must be a URL'),
    v.regex(/^https?:\/\//i, 'must be an http(s) URL'),
    // The URL is shown to every member; a secret belongs in a header, which is sealed.
    v.check((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), 'must not hold a user or password: send credentials as a header'),
  ),
  headers: v.optional(
    v.pipe(
      v.record(HeaderName, v.nullable(v.pipe(v.string(), v.nonEmpty(), v.maxLength(4000), v.regex(/^[^\r\n\0]*$/, 'must be one line')))),
      v.check((h) => Object.keys(h).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`),
    ),
    {},
  ),
  allowed_tools: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.regex(MCP_TOOL_NAME_PATTERN, 'must be a tool name (letters, digits, _ . -, at most 64)'))),
      v.maxLength(MAX_ALLOWED_TOOLS),
      v.check((tools) => new Set(tools).size === tools.length, 'lists a tool twice'),
    ),
    [],
  ),
  timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MCP_SERVER_TIMEOUT_MS.min), v.maxValue(MCP_SERVER_TIMEOUT_MS.max)), MCP_SERVER_TIMEOUT_MS.default),
});
export type McpServerInput = v.InferOutput<typeof McpServerBodySchema>;

export const McpServerAnswer = v.object({ mcp_server: McpServerViewSchema });
export const McpServersAnswer = v.object({ mcp_servers: v.array(McpServerViewSchema) });
export const DeletedMcpServerAnswer = v.object({ deleted: v.string() });
/** Every tool the server offers (allowed or not), so the DM can choose. */
export const McpServerToolsAnswer = v.object({
  tools: v.array(v.object({ name: v.string(), description: v.string(), allowed: v.boolean() })),
});
