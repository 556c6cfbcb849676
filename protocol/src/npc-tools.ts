import * as v from 'valibot';
import { SessionIdSchema } from './fields.ts';

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
