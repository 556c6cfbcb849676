import { findSessionTenant, getNpc, recentSessionEntries, searchLore, type LorePassage } from '@glyphoxa/db';
import type { ToolToken, ToolTokenRequest } from '@glyphoxa/protocol';
import { NPC_TOOL_TOKEN_TTL_S, signNpcToolToken, type NpcToolCaller } from '../auth/npc-tool-token.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { ApiError } from '../errors.ts';
import { rollDice as roll, type DiceRoll } from '../tools/dice/roll.ts';
import type { OperationContext } from './context.ts';

/**
 * The tools an NPC calls mid-conversation (the `/mcp` door). The caller is not a person
 * with a role but one NPC of one running session: its token names tenant, session,
 * campaign and NPC, and every tool reads only through those.
 */

const PASSAGES = 5;
const TRANSCRIPT_LINES = 50;

/**
 * A node's request for its NPC's tool token: only for a session its tenant's coordinator
 * holds live on this very node, and an NPC of that session's campaign. Anything else is
 * one 404, so a node learns nothing of sessions it does not run.
 */
export async function mintNpcToolToken(ctx: OperationContext, nodeId: string, input: ToolTokenRequest, now = Date.now()): Promise<ToolToken> {
  const missing = new ApiError(404, 'session_not_found', `No live session ${input.session_id} with NPC ${input.npc_id} on this node`);
  const tenantId = await findSessionTenant(ctx.db(), input.session_id);
  if (!tenantId) throw missing;
  const live = (await coordinatorOf(ctx.env, tenantId).liveSessions()).find((s) => s.id === input.session_id);
  if (!live || live.node_id !== nodeId || live.campaign_id === null) throw missing;
  const npc = await getNpc(ctx.db(), tenantId, input.npc_id);
  if (!npc || npc.campaignId !== live.campaign_id) throw missing;
  const caller: NpcToolCaller = { tenantId, sessionId: live.id, campaignId: live.campaign_id, npcId: npc.id, nodeId };
  const token = await signNpcToolToken(ctx.env, caller, now);
  return { token, expires_at: new Date(now + NPC_TOOL_TOKEN_TTL_S * 1000).toISOString() };
}

/** `roll_dice`: needs nothing of the tenant; bad notation throws DiceNotationError for the NPC to say. */
export function rollDice(input: { notation: string }): DiceRoll {
  return roll(input.notation);
}

/** `lookup_rule`: the campaign's rules and lore (never the DM's handouts), best passages first. */
export async function lookupRule(ctx: OperationContext, caller: NpcToolCaller, input: { query: string }): Promise<{ passages: LorePassage[] }> {
  return { passages: await searchLore(ctx.db(), caller.tenantId, caller.campaignId, input.query, ['rules', 'lore'], PASSAGES) };
}

/** `recent_transcript`: what was said in the caller's own session in the last `minutes`. */
export async function recentTranscript(ctx: OperationContext, caller: NpcToolCaller, input: { minutes: number }, now = Date.now()) {
  const since = new Date(now - input.minutes * 60_000);
  const lines = await recentSessionEntries(ctx.db(), caller.tenantId, caller.sessionId, since, TRANSCRIPT_LINES);
  return { lines: lines.map((l) => ({ speaker: l.speakerName, npc: l.npc, text: l.text, spoken_at: l.spokenAt.toISOString() })) };
}
