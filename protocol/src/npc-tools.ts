import * as v from 'valibot';
import { SessionIdSchema } from './fields.ts';

/**
 * The edge's own NPC tools (`/mcp`), by the names the model calls them. An NPC is offered
 * only those its `tools` list; none by default, since every tool offered costs prompt tokens
 * and tempts the model into a slower, tool-using turn.
 */
export const NPC_TOOL_NAMES = ['roll_dice', 'lookup_rule', 'campaign_knowledge', 'recent_transcript', 'remember'] as const;
export type NpcToolName = (typeof NPC_TOOL_NAMES)[number];

/** A tenant's tool server's name: the prefix of its tools as NPCs see them (`lorekeeper.search`). */
export const MCP_SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
/** A tool's name on its server, as MCP allows them. */
export const MCP_TOOL_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Between a server's name and its tool's. */
export const TOOL_SEPARATOR = '.';
/** What grants every allowed tool of a server: `lorekeeper.*`. */
export const WHOLE_SERVER = '*';
/** How many entries an NPC's `tools` may hold: the edge's own and its tenant's servers' tools. */
export const MAX_NPC_TOOLS = 50;

/**
 * One entry of an NPC's `tools`: an edge tool (`roll_dice`), one tool of a tenant's MCP server
 * (`lorekeeper.search`), or every tool the DM allowed on that server (`lorekeeper.*`). Which
 * server tools exist is the server's business at call time; an entry naming none offers nothing.
 */
export const NpcToolSchema = v.pipe(
  v.string(),
  v.check(
    (entry) => (NPC_TOOL_NAMES as readonly string[]).includes(entry) || serverToolPattern(entry),
    `must be one of ${NPC_TOOL_NAMES.join(', ')}, or <server>.<tool> or <server>.* of the team's tool servers`,
  ),
);

function serverToolPattern(entry: string): boolean {
  const grant = serverToolOf(entry);
  return grant !== null && MCP_SERVER_NAME_PATTERN.test(grant.server) && (grant.tool === WHOLE_SERVER || MCP_TOOL_NAME_PATTERN.test(grant.tool));
}

/** A `tools` entry's server and tool (`WHOLE_SERVER` for `<server>.*`); null for an edge tool's name. */
export function serverToolOf(entry: string): { server: string; tool: string } | null {
  const cut = entry.indexOf(TOOL_SEPARATOR);
  return cut > 0 ? { server: entry.slice(0, cut), tool: entry.slice(cut + 1) } : null;
}

/** Whether an NPC's `tools` grant the tool `name` (an edge tool's name or `<server>.<tool>`). */
export function toolGranted(tools: readonly string[], name: string): boolean {
  if (tools.includes(name)) return true;
  const cut = name.indexOf(TOOL_SEPARATOR);
  return cut > 0 && tools.includes(`${name.slice(0, cut)}${TOOL_SEPARATOR}${WHOLE_SERVER}`);
}

/**
 * A voice node asks the edge (`POST /nodes/tool-tokens`, with its node token) for the
 * short-lived bearer token its NPC presents at `/mcp`; one token is one NPC in one session.
 */
export const ToolTokenRequestSchema = v.object({
  session_id: SessionIdSchema,
  npc_id: v.pipe(v.string(), v.uuid()),
});
export type ToolTokenRequest = v.InferOutput<typeof ToolTokenRequestSchema>;

export const ToolTokenSchema = v.object({
  token: v.string(),
  /** When the node should have fetched its next one (ISO 8601). */
  expires_at: v.string(),
});
export type ToolToken = v.InferOutput<typeof ToolTokenSchema>;
