import { addRelationship, findEntityByName, findSessionTenant, getNpc, npcNeighbourhood, recentSessionEntries, searchLore, type KnownEntity, type KnownRelationship, type LorePassage, type NpcKnowledge } from '@glyphoxa/db';
import { mayKnow, type ToolToken, type ToolTokenRequest } from '@glyphoxa/protocol';
import { NPC_TOOL_TOKEN_TTL_S, signNpcToolToken, type NpcToolCaller } from '../auth/npc-tool-token.ts';
import { coordinatorOf } from '../durable/stubs.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { npcPrincipal } from '../principal.ts';
import { rollDice as roll, type DiceRoll } from '../tools/dice/roll.ts';
import { viewRelationship } from '../views/knowledge.ts';
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

/**
 * `campaign_knowledge`: an entity by name and what it connects to (confirmed edges only),
 * as far as this NPC may know. The walk only passes through facts the NPC knows, so a
 * secret in between hides what lies behind it too; an entity it may not know is answered
 * exactly like one that does not exist. The NPC's scope and the walk come in one round trip
 * (npcNeighbourhood): the walk does not wait to learn whether the start is the NPC's to know.
 */
export async function campaignKnowledge(ctx: OperationContext, caller: NpcToolCaller, input: { name: string; depth: number }) {
  const unknown = { found: false as const, message: `Nothing is known about ${input.name}` };
  const found = await npcNeighbourhood(ctx.db(), caller.tenantId, caller.npcId, caller.campaignId, input.name, { depth: input.depth, confirmedOnly: true });
  if (!found) throw new ApiError(404, 'npc_not_found', 'This NPC no longer exists');
  const { npc, graph } = found;
  const knows = knowing(npc);
  const start = graph?.entities[0];
  if (!graph || !start || !knows(start)) return unknown;
  const { entities, relationships } = knownPart(start.id, graph.entities.filter(knows), graph.relationships);
  const nameOf = new Map(entities.map((e) => [e.id, e.name]));
  return {
    found: true as const,
    entities: entities.map((e) => ({ name: e.name, type: e.type, description: e.description, tags: e.tags, depth: e.depth })),
    relationships: relationships.map((r) => ({ source: nameOf.get(r.sourceId)!, type: r.type, target: nameOf.get(r.targetId)!, bidirectional: r.bidirectional })),
  };
}

/** What is reachable from `startId` along edges between known entities, with its depth along those edges. */
function knownPart(startId: string, known: KnownEntity[], edges: KnownRelationship[]) {
  const byId = new Map(known.map((e) => [e.id, e]));
  const usable = edges.filter((r) => byId.has(r.sourceId) && byId.has(r.targetId));
  const depth = new Map([[startId, 0]]);
  for (let frontier = [startId]; frontier.length > 0; ) {
    const next: string[] = [];
    for (const r of usable) {
      for (const [from, to] of [[r.sourceId, r.targetId], [r.targetId, r.sourceId]] as const) {
        if (frontier.includes(from) && !depth.has(to)) {
          depth.set(to, depth.get(from)! + 1);
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return {
    entities: [...depth].map(([id, d]) => ({ ...byId.get(id)!, depth: d })).sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name)),
    relationships: usable.filter((r) => depth.has(r.sourceId) && depth.has(r.targetId)),
  };
}

/** How sure a fact is that an NPC said in play, until the DM confirms it. */
const REMEMBERED_CONFIDENCE = 0.5;

/**
 * `remember`: the NPC proposes `source -type-> target` between two facts it knows; it lands
 * unconfirmed, tied to this session, for the DM to confirm or drop (no NPC is told it before).
 * The audit trail names the NPC as the one who proposed it.
 */
export async function remember(ctx: OperationContext, caller: NpcToolCaller, input: { source: string; type: string; target: string }) {
  const knows = await knowledgeOf(ctx, caller);
  const [source, target] = await Promise.all([input.source, input.target].map((name) => findEntityByName(ctx.db(), caller.tenantId, caller.campaignId, name)));
  for (const [name, entity] of [[input.source, source], [input.target, target]] as const) {
    if (!entity || !knows(entity)) throw new ApiError(404, 'entity_not_found', `Nothing is known about ${name}`);
  }
  if (source!.id === target!.id) throw new ApiError(400, 'invalid_request', 'A fact joins two different things');
  const type = input.type.trim().toLowerCase().replace(/\s+/g, '_');
  if (type === '') throw new ApiError(400, 'invalid_request', 'type: say how the two relate, for example lives_in');
  const added = await addRelationship(ctx.db(), caller.tenantId, caller.campaignId, {
    sourceId: source!.id,
    targetId: target!.id,
    type,
    sessionId: caller.sessionId,
    source: 'transcript',
    confidence: REMEMBERED_CONFIDENCE,
    dmConfirmed: false,
  });
  const fact = `${source!.name} ${type} ${target!.name}`;
  if (added) {
    await audit(ctx, npcPrincipal(caller), {
      tenantId: caller.tenantId,
      action: 'relationship.propose',
      target: added.id,
      detail: { campaign_id: caller.campaignId, session_id: caller.sessionId },
      after: viewRelationship(added),
    });
  }
  return added ? { proposed: true, fact, message: 'Noted for the DM to confirm' } : { proposed: false, fact, message: 'This is already known or proposed' };
}

/** The calling NPC's `mayKnow`, from its current definition. */
async function knowledgeOf(ctx: OperationContext, caller: NpcToolCaller): Promise<(e: KnownEntity) => boolean> {
  const npc = await getNpc(ctx.db(), caller.tenantId, caller.npcId);
  if (!npc) throw new ApiError(404, 'npc_not_found', 'This NPC no longer exists');
  return knowing(npc);
}

const knowing = (npc: NpcKnowledge) => (e: KnownEntity) => mayKnow({ gm_helper: npc.gmHelper, knowledge_scope: npc.knowledgeScope }, e);
