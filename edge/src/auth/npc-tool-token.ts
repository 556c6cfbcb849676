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

/** Tokens this isolate has verified, kept until they expire: an NPC calls with one token for minutes. */
const VERIFIED_KEPT = 1000;
const verified = new Map<string, { caller: NpcToolCaller; expiresAt: number; keys: string | undefined }>();

/**
 * The caller a token names, or null for one that is not a live NPC tool token of ours. A
 * token already verified in this isolate is not verified again (the signature check is most
 * of a dice roll's time at the edge) while it is unexpired and the keys are the ones it was
 * checked with, so a key taken out of ACCESS_TOKEN_PUBLIC_KEYS stops its tokens at once.
 */
export async function verifyNpcToolToken(env: TokenKeys, token: string, now = Date.now()): Promise<NpcToolCaller | null> {
  const known = verified.get(token);
  if (known && now < known.expiresAt && known.keys === env.ACCESS_TOKEN_PUBLIC_KEYS) return known.caller;
  verified.delete(token);
  const payload = await verifyEdgeJwt(env, NPC_TOOLS, token);
  const parsed = v.safeParse(NpcToolCallerSchema, payload ? { ...payload, npcId: payload.sub } : null);
  if (!parsed.success || typeof payload?.exp !== 'number') return null;
  if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value!);
  verified.set(token, { caller: parsed.output, expiresAt: payload.exp * 1000, keys: env.ACCESS_TOKEN_PUBLIC_KEYS });
  return parsed.output;
}
