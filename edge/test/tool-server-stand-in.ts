/**
 * Tenants' MCP tool servers for the edge to proxy: one real HTTP server on 127.0.0.1
 * (started by vitest.config.ts) where each path is a server of its own kind, reached by
 * the Worker at `http://tools.test/<kind>/mcp` (miniflare's outbound service forwards).
 *   /lore/mcp     the SDK's own `Server` class over its Streamable HTTP transport, stateless;
 *                 wants `authorization: Bearer <LORE_TOKEN>`
 *   /hang/mcp     takes the request and never answers
 *   /slow/mcp     an SDK server listing `ponder`, whose every call never answers
 *   /broken/mcp   HTTP 500
 *   /garbage/mcp  200 application/json that is not JSON
 *   /redirect/mcp 307 to the Worker's own address
 *   GET /__hits   how many requests each path got
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export const TOOL_SERVERS_HOST = 'tools.test';
export type ToolServerKind = 'lore' | 'slow' | 'hang' | 'broken' | 'garbage' | 'redirect';
export const toolServerUrl = (kind: ToolServerKind) => `http://${TOOL_SERVERS_HOST}/${kind}/mcp`;
export const LORE_TOKEN = 'lore-secret-7d2e91';
/** What the lore server's `dump` answers: far more than the edge reads. */
export const DUMP_BYTES = 1024 * 1024;

const LORE_TOOLS = [
  { name: 'search', description: 'Search the lorekeeper archive.', inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  { name: 'dump', description: 'Everything at once.', inputSchema: { type: 'object', properties: {} } },
  { name: 'wipe_archive', description: 'Never allowed to an NPC.', inputSchema: { type: 'object', properties: {} } },
  { name: 'sealed_vault', description: 'Answers with a tool error.', inputSchema: { type: 'object', properties: {} } },
];

function loreServer(): Server {
  const server = new Server({ name: 'lorekeeper', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: LORE_TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const args = (request.params.arguments ?? {}) as { query?: string };
    switch (request.params.name) {
      case 'search':
        return { content: [{ type: 'text', text: `The archive on ${args.query}: the Black Spider seeks Wave Echo Cave.` }], structuredContent: { hits: 1, query: args.query } };
      case 'dump':
        return { content: [{ type: 'text', text: 'x'.repeat(DUMP_BYTES) }] };
      case 'sealed_vault':
        return { content: [{ type: 'text', text: 'The vault is sealed.' }], isError: true };
      case 'wipe_archive':
        return { content: [{ type: 'text', text: 'Archive wiped.' }] };
      default:
        throw new Error(`no tool ${request.params.name}`);
    }
  });
  return server;
}

function slowServer(): Server {
  const server = new Server({ name: 'slow', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: 'ponder', description: 'Thinks for ever.', inputSchema: { type: 'object', properties: {} } }] }));
  server.setRequestHandler(CallToolRequestSchema, () => new Promise<never>(() => {}));
  return server;
}

async function lore(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.headers.authorization !== `Bearer ${LORE_TOKEN}`) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
    return;
  }
  await serve(loreServer(), req, res);
}

/** One request to an SDK server over its Streamable HTTP transport, stateless. */
async function serve(server: Server, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  res.on('close', () => void server.close());
  await transport.handleRequest(req, res);
}

export interface ToolServerStandIn {
  origin: string;
  close: () => Promise<void>;
}

export async function startToolServers(): Promise<ToolServerStandIn> {
  const hits: Record<string, number> = {};
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/__hits') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hits));
    hits[path] = (hits[path] ?? 0) + 1;
    switch (path) {
      case '/lore/mcp':
        return void lore(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
      case '/slow/mcp':
        return void serve(slowServer(), req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
      case '/hang/mcp':
        return; // Never answered; closed when the stand-in closes.
      case '/broken/mcp':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      case '/garbage/mcp':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc": "2.0", "id": 0, "result": {"protocolVersion": ');
      case '/redirect/mcp':
        return void res.writeHead(307, { location: 'http://127.0.0.1:8787/admin/tenants' }).end();
      default:
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A DNS-over-HTTPS resolver (the JSON API Cloudflare's speaks) for `http://dns.test`:
 * the names the tests ask about and where they point.
 */
export const DNS_STAND_IN_HOST = 'dns.test';
const RECORDS: Record<string, { A?: string[]; AAAA?: string[] }> = {
  'lore.example.com': { A: ['93.184.215.14'], AAAA: ['2606:2800:21f:cb07:6820:80da:af6b:8b2c'] },
  'intranet.example.com': { A: ['10.0.0.7'] },
  'metadata.example.com': { A: ['93.184.215.14'], AAAA: ['fe80::a9fe:a9fe'] },
};

export function dnsStandIn(request: Request): Response {
  const url = new URL(request.url);
  const name = url.searchParams.get('name') ?? '';
  const type = Number(url.searchParams.get('type'));
  const record = RECORDS[name];
  const key = type === 1 ? 'A' : type === 28 ? 'AAAA' : null;
  const answers = record && key ? (record[key] ?? []) : [];
  return Response.json({ Status: record ? 0 : 3, Answer: answers.map((data) => ({ name, type, TTL: 300, data })) }, { headers: { 'content-type': 'application/dns-json' } });
}
