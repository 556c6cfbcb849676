import * as v from 'valibot';
import { SessionIdSchema } from './fields.ts';

/**
 * The edge's own NPC tools (`/mcp`), by the names the model calls them. An NPC is offered
 * only those its `tools` list; none by default, since every tool offered costs prompt tokens
 * and tempts the model into a slower, tool-using turn.
 */
export const NPC_TOOL_NAMES = ['roll_dice', 'lookup_rule', 'campaign_knowledge', 'recent_transcript', 'remember'] as const;
export const NpcToolNameSchema = v.picklist(NPC_TOOL_NAMES, `must be one of ${NPC_TOOL_NAMES.join(', ')}`);
export type NpcToolName = v.InferOutput<typeof NpcToolNameSchema>;

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
