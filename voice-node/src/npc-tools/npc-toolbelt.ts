import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { errorMessage, toolGranted, type Logger, type NpcDefinition } from '@glyphoxa/protocol';
import type { LlmTool, LlmToolCall } from '@glyphoxa/providers';
import { NODE_VERSION } from '../version.ts';
import { ToolToken } from './tool-token.ts';
import { VendorToolNames } from './vendor-names.ts';

/** A tool call that takes longer is given up: the NPC says so rather than keep the table waiting. */
const CALL_TIMEOUT_MS = 10_000;
/** What of a tool's answer the model reads: enough for any of the edge's tools, bounded for a runaway one. */
const MAX_RESULT_CHARS = 8000;

/** A tool call's outcome as the model reads it. */
export interface ToolOutcome {
  content: string;
  isError: boolean;
}

export interface ToolbeltOptions {
  /** `…/nodes/tool-tokens` and `…/mcp` of the edge. */
  tokenUrl: string;
  mcpUrl: string;
  nodeToken: string;
  sessionId: string;
  log: Logger;
}

/**
 * One NPC's tools at the edge's `/mcp`, through the official MCP SDK client over Streamable
 * HTTP, as that NPC (its tool token). The edge's server is stateless, so one connection
 * (initialize once) serves every call of the session. Nothing here throws at the turn: a
 * tool list the edge cannot give is no tools, a call that fails is a result saying so.
 */
export class NpcToolbelt {
  private readonly token: ToolToken;
  private readonly options: ToolbeltOptions;
  private readonly npc: NpcDefinition;
  private client: Promise<Client> | undefined;
  private listed: Promise<{ tools: LlmTool[]; names: VendorToolNames }> | undefined;
  private names = new VendorToolNames([]);

  constructor(npc: NpcDefinition, options: ToolbeltOptions) {
    this.npc = npc;
    this.options = options;
    this.token = new ToolToken(options.tokenUrl, options.nodeToken, { session_id: options.sessionId, npc_id: npc.id });
  }

  /**
   * The tools this NPC's `tools` grant of those the edge lists (its own, and its tenant's
   * servers' as `<server>.<tool>`), in the shape the LLM providers offer them, each under a
   * name every vendor takes; [] if the edge cannot list them.
   */
  async offer(allowed: readonly string[]): Promise<LlmTool[]> {
    if (allowed.length === 0) return [];
    this.listed ??= this.list();
    const listed = await this.listed.catch((error: unknown) => {
      this.listed = undefined;
      this.options.log.warn('npc tools unavailable', { npc: this.npc.name, error: errorMessage(error) });
      return undefined;
    });
    if (!listed) return [];
    this.names = listed.names;
    return listed.tools.filter((tool) => toolGranted(allowed, tool.name)).map((tool) => ({ ...tool, name: listed.names.toVendor(tool.name) }));
  }

  /** The MCP name of a tool the model called by the name it was offered (`lorekeeper__search` -> `lorekeeper.search`). */
  mcpName(vendorName: string): string {
    return this.names.toMcp(vendorName) ?? vendorName;
  }

  /** Runs a call the model made (by its offered name) at the edge. */
  async call(call: LlmToolCall, signal: AbortSignal): Promise<ToolOutcome> {
    const name = this.mcpName(call.name);
    try {
      const client = await this.connected();
      const result = await client.callTool({ name, arguments: call.arguments }, undefined, { signal, timeout: CALL_TIMEOUT_MS });
      const text = (result.content as Array<{ type: string; text?: string }>).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n');
      return { content: text.slice(0, MAX_RESULT_CHARS), isError: result.isError === true };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.options.log.warn('npc tool call failed', { npc: this.npc.name, tool: name, error: errorMessage(error) });
      return { content: `The ${name} tool could not be reached just now.`, isError: true };
    }
  }

  close(): void {
    void this.client?.then((client) => client.close()).catch(() => {});
  }

  private async list(): Promise<{ tools: LlmTool[]; names: VendorToolNames }> {
    const { tools } = await (await this.connected()).listTools();
    const listed = tools.map((tool) => {
      // Vendors want the JSON Schema object itself, without the draft it is written in.
      const { $schema: _draft, ...parameters } = tool.inputSchema as Record<string, unknown>;
      return { name: tool.name, description: tool.description ?? '', parameters };
    });
    // Named from the whole list, so a name means the same tool whichever subset a turn offers.
    return { tools: listed, names: new VendorToolNames(listed.map((t) => t.name)) };
  }

  private connected(): Promise<Client> {
    this.client ??= this.connect().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return this.client;
  }

  private async connect(): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(this.options.mcpUrl), { fetch: (url, init) => this.authorized(url, init) });
    const client = new Client({ name: 'glyphoxa-voice-node', version: NODE_VERSION });
    await client.connect(transport);
    return client;
  }

  /** Every request bears the NPC's current token; one refused is retried once with a fresh one. */
  private async authorized(url: string | URL, init?: RequestInit): Promise<Response> {
    const send = async () => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await this.token.value()}`);
      return fetch(url, { ...init, headers });
    };
    const res = await send();
    if (res.status !== 401) return res;
    this.token.drop();
    return send();
  }
}
