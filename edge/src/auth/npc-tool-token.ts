import * as v from 'valibot';
import { signEdgeJwt, verifyEdgeJwt, type EdgeJwtKind, type TokenKeys } from './access-token.ts';

/** Long enough for a scene, short enough that a leaked token dies soon; the node asks for a new one before. */
export const NPC_TOOL_TOKEN_TTL_S = 10 * 60;

const NPC_TOOLS: EdgeJwtKind = { typ: 'npc-tools+jwt', audience: 'glyphoxa-mcp' };

/** Whose tools a token opens: one NPC, in one running session of one tenant's campaign. */
export const NpcToolCallerSchema = v.object({
  tenantId: v.string(),
  sessionId: v.string(),
  campaignId: v.string(),
  npcId: v.string(),
  nodeId: v.string(),
});
export type NpcToolCaller = v.InferOutput<typeof NpcToolCallerSchema>;

export function signNpcToolToken(env: TokenKeys, caller: NpcToolCaller, now = Date.now()): Promise<string> {
  const { npcId, ...rest } = caller;
  return signEdgeJwt(env, NPC_TOOLS, { sub: npcId, ...rest }, NPC_TOOL_TOKEN_TTL_S, now);
}

/** The caller a token names, or null for one that is not a live NPC tool token of ours. */
export async function verifyNpcToolToken(env: TokenKeys, token: string): Promise<NpcToolCaller | null> {
  const payload = await verifyEdgeJwt(env, NPC_TOOLS, token);
  const parsed = v.safeParse(NpcToolCallerSchema, payload ? { ...payload, npcId: payload.sub } : null);
  return parsed.success ? parsed.output : null;
}
