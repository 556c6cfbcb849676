import { env, exports } from 'cloudflare:workers';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signNpcToolToken } from '../src/auth/npc-tool-token.ts';
import { api, signIn, type Person } from './helpers/web-api.ts';
import { LORE_TOKEN, TOOL_SERVERS_HOST, toolServerUrl } from './tool-server-stand-in.ts';

const BUILT_IN = ['campaign_knowledge', 'lookup_rule', 'recent_transcript', 'remember', 'roll_dice'];

/** The official MCP SDK client at the Worker's `/mcp`, as one NPC of a tenant's session. */
async function npcClient(tenantId: string): Promise<Client> {
  const token = await signNpcToolToken(env, { tenantId, sessionId: crypto.randomUUID(), campaignId: crypto.randomUUID(), npcId: crypto.randomUUID(), nodeId: 'node-test' });
  const transport = new StreamableHTTPClientTransport(new URL('http://edge.test/mcp'), {
    fetch: (url, init) => exports.default.fetch(url, init),
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'voice-node-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('');
/** How many requests the stand-in's `kind` server has had. */
const hits = async (kind: string) => ((await (await fetch(`http://${TOOL_SERVERS_HOST}/__hits`)).json()) as Record<string, number>)[`/${kind}/mcp`] ?? 0;

describe("a tenant's MCP servers, proxied to its NPCs at /mcp", () => {
  let owner: Person;
  let client: Client;
  const put = (name: string, body: Record<string, unknown>) => api(owner.token, 'PUT', `/tenants/${owner.tenant}/mcp-servers/${name}`, body);

  beforeAll(async () => {
    owner = await signIn();
    const lore = { url: toolServerUrl('lore'), headers: { authorization: `Bearer ${LORE_TOKEN}` }, allowed_tools: ['search', 'dump', 'sealed_vault'] };
    expect((await put('lorekeeper', lore)).status).toBe(200);
    client = await npcClient(owner.tenant);
  });
  afterAll(() => client?.close());

  it("lists the edge's own tools and only the allowed tools of the tenant's servers, under the server's name", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...BUILT_IN, 'lorekeeper.dump', 'lorekeeper.sealed_vault', 'lorekeeper.search'].sort());
    expect(tools.find((t) => t.name === 'lorekeeper.search')).toEqual({
      name: 'lorekeeper.search',
      description: 'Search the lorekeeper archive.',
      inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    });
  });

  it("calls a proxied tool on the tenant's server with its sealed headers, and passes its answer on", async () => {
    const result = await client.callTool({ name: 'lorekeeper.search', arguments: { query: 'Nezznar' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('The archive on Nezznar: the Black Spider seeks Wave Echo Cave.');
    expect(result.structuredContent).toEqual({ hits: 1, query: 'Nezznar' });
    const refused = await client.callTool({ name: 'lorekeeper.sealed_vault', arguments: {} });
    expect(refused).toMatchObject({ isError: true, content: [{ type: 'text', text: 'The vault is sealed.' }] });
  });

  it('offers no tool the DM did not allow, nor one no server has', async () => {
    for (const name of ['lorekeeper.wipe_archive', 'nobody.search', 'lorekeeper.']) {
      const result = await client.callTool({ name, arguments: {} });
      expect(result.isError, name).toBe(true);
      expect(textOf(result)).toBe(`There is no tool ${name}`);
    }
  });

  it('cuts off an answer larger than the edge reads, as a tool error', async () => {
    const result = await client.callTool({ name: 'lorekeeper.dump', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('lorekeeper answered more than 256 KiB');
  });

  it('turns a broken, garbled or redirecting server into a tool error the NPC can say', async () => {
    await put('broken', { url: toolServerUrl('broken'), allowed_tools: ['anything'] });
    await put('garbage', { url: toolServerUrl('garbage'), allowed_tools: ['anything'] });
    await put('redirect', { url: toolServerUrl('redirect'), allowed_tools: ['anything'] });
    const answers = await Promise.all(['broken', 'garbage', 'redirect'].map((s) => client.callTool({ name: `${s}.anything`, arguments: {} })));
    expect(answers.map((a) => [a.isError, textOf(a)])).toEqual([
      [true, 'broken answered HTTP 500'],
      [true, 'garbage answered something that is not MCP'],
      [true, 'redirect answered with a redirect, which tool servers may not'],
    ]);
    // The healthy server's tools are still listed beside them; the failing ones have none to list.
    const { tools } = await client.listTools();
    expect(tools.filter((t) => t.name.includes('.')).map((t) => t.name.split('.')[0])).toEqual(['lorekeeper', 'lorekeeper', 'lorekeeper']);
    for (const name of ['broken', 'garbage', 'redirect']) await api(owner.token, 'DELETE', `/tenants/${owner.tenant}/mcp-servers/${name}`);
  });

  it("never shows a tenant's servers to another tenant's NPCs", async () => {
    const stranger = await signIn();
    const theirs = await npcClient(stranger.tenant);
    try {
      expect((await theirs.listTools()).tools.map((t) => t.name).sort()).toEqual(BUILT_IN);
      const result = await theirs.callTool({ name: 'lorekeeper.search', arguments: { query: 'Nezznar' } });
      expect(result).toMatchObject({ isError: true, content: [{ text: 'There is no tool lorekeeper.search' }] });
    } finally {
      await theirs.close();
    }
  });
});

describe('a tool server that hangs', () => {
  it('is cut off by its timeout, then its circuit opens: calls are refused at once without reaching it', async () => {
    const owner = await signIn();
    const put = (name: string, body: Record<string, unknown>) => api(owner.token, 'PUT', `/tenants/${owner.tenant}/mcp-servers/${name}`, body);
    expect((await put('stall', { url: toolServerUrl('hang'), allowed_tools: ['ponder'], timeout_ms: 300 })).status).toBe(200);
    expect((await put('lorekeeper', { url: toolServerUrl('lore'), headers: { authorization: `Bearer ${LORE_TOKEN}` }, allowed_tools: ['search'] })).status).toBe(200);
    const client = await npcClient(owner.tenant);
    try {
      // tools/list still answers, with the healthy server's tools: the hanging one is left out (its first failure).
      expect((await client.listTools()).tools.map((t) => t.name).filter((n) => n.includes('.'))).toEqual(['lorekeeper.search']);
      for (let i = 0; i < 2; i++) {
        const result = await client.callTool({ name: 'stall.ponder', arguments: {} });
        expect([result.isError, textOf(result)]).toEqual([true, 'stall did not answer within 300 ms']);
      }
      const reached = await hits('hang');
      const refused = await client.callTool({ name: 'stall.ponder', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^stall is unavailable for now after failing repeatedly; it is tried again in \d+ s$/);
      expect((await client.listTools()).tools.map((t) => t.name).filter((n) => n.includes('.'))).toEqual(['lorekeeper.search']);
      expect(await hits('hang')).toBe(reached);
      // The conversation goes on: the other server and the edge's own tools answer.
      expect((await client.callTool({ name: 'lorekeeper.search', arguments: { query: 'Glasstaff' } })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'roll_dice', arguments: { notation: '1d20' } })).isError).toBeFalsy();
      // Saving the server again (its URL fixed, say) gives it a fresh chance.
      await put('stall', { url: toolServerUrl('hang'), allowed_tools: ['ponder'], timeout_ms: 300 });
      expect(textOf(await client.callTool({ name: 'stall.ponder', arguments: {} }))).toBe('stall did not answer within 300 ms');
    } finally {
      await client.close();
    }
  });
});
