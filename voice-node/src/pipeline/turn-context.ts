import { type CampaignEntity, type CampaignRelationship, containsPhrase, foldPhrase, isSecretTag, mayKnow, mayKnowRelationship, type NpcDefinition, splitWords, type TranscriptEntry } from '@glyphoxa/protocol';
import type { ChatMessage, LlmRequest } from '@glyphoxa/providers';
import type { ConversationMemory } from './conversation-memory.ts';
import { createNameMatcher } from './fuzzy-match.ts';

/** The pipeline takes the memory a turn reads from here too. */
export { createConversationMemory } from './conversation-memory.ts';

/**
 * The LLM request for one NPC turn: instructions and persona, the campaign facts
 * for what the table is talking about (and how they relate), and the recent
 * transcript as messages.
 * Every section has a budget by the NPC's `budget_tier`, so no transcript or
 * campaign, however large, grows a request past `inputBudgetTokens(tier)`.
 */

export type BudgetTier = NpcDefinition['budget_tier'];

/** Tokens per section (approximated as characters / `CHARS_PER_TOKEN`), facts by count too, and the reply's cap. */
export interface ContextBudget {
  persona: number;
  facts: number;
  maxFacts: number;
  transcript: number;
  maxTokens: number;
}

/** Spoken replies are one to three sentences; `maxTokens` leaves room for that and no speeches. */
export const CONTEXT_BUDGETS: Record<BudgetTier, ContextBudget> = {
  fast: { persona: 450, facts: 250, maxFacts: 3, transcript: 600, maxTokens: 150 },
  standard: { persona: 700, facts: 700, maxFacts: 6, transcript: 1600, maxTokens: 220 },
  deep: { persona: 1200, facts: 2000, maxFacts: 12, transcript: 5000, maxTokens: 400 },
};

/** The usual English average; a budget, not a bill, so rough is fine. */
export const CHARS_PER_TOKEN = 4;
/** Entities count as "talked about" when named in this many of the newest transcript lines. */
export const MENTION_LINES = 6;
/** One entity's description never takes more than this, so one long entry cannot crowd out the rest. */
export const MAX_FACT_CHARS = 600;
/** Below this much room a fact is not worth starting. */
const MIN_FACT_CHARS = 80;

export function inputBudgetTokens(tier: BudgetTier): number {
  const budget = CONTEXT_BUDGETS[tier];
  return budget.persona + budget.facts + budget.transcript;
}

export interface TurnContextInput {
  /** The NPC answering. */
  npc: NpcDefinition;
  /** The campaign's facts (the session assignment's `entities`, or a later `campaign_facts`). */
  entities: readonly CampaignEntity[];
  /** The confirmed relationships among them, by name. */
  relationships?: readonly CampaignRelationship[];
  /** The session's rolling transcript. */
  memory: Pick<ConversationMemory, 'recent'>;
  /** The utterance being answered, when it may not be in `memory` yet (it is added once it stands). */
  heard?: TranscriptEntry;
  /** The session's `started_by`: the DM's lines are labelled so NPCs can tell narration from players. */
  dmUserId?: string;
}

export function buildTurnRequest(input: TurnContextInput): LlmRequest {
  const { npc, heard } = input;
  const budget = CONTEXT_BUDGETS[npc.budget_tier];
  const remembered = input.memory.recent();
  const last = remembered.at(-1);
  const known = !heard || (last?.speaker_id === heard.speaker_id && last.text === heard.text);
  const transcript = known ? remembered : [...remembered, heard];
  const entities = mentionedEntities(input.entities, transcript)
    .filter((entity) => mayKnow(npc, entity))
    .slice(0, budget.maxFacts);
  const relations = knownRelations(npc, entities, input.entities, input.relationships ?? []);
  return {
    system: personaSection(npc, budget.persona * CHARS_PER_TOKEN) + factsSection(entities, relations, budget.facts * CHARS_PER_TOKEN),
    messages: transcriptMessages(npc, transcript, budget.transcript * CHARS_PER_TOKEN, input.dmUserId),
    maxTokens: budget.maxTokens,
  };
}

/**
 * Entities named (fuzzily, as STT misspells them) or tagged in the newest
 * `MENTION_LINES` lines: most recently mentioned first, by name before by tag.
 */
function mentionedEntities(entities: readonly CampaignEntity[], transcript: readonly TranscriptEntry[]): CampaignEntity[] {
  const index = entityIndex(entities);
  const rank = new Map<CampaignEntity, number>();
  transcript.slice(-MENTION_LINES).forEach((line, position) => {
    for (const [entity, by] of index.mentionsIn(line)) {
      rank.set(entity, Math.max(rank.get(entity) ?? 0, 2 * position + (by === 'name' ? 2 : 1)));
    }
  });
  return [...rank].sort((a, b) => b[1] - a[1]).map(([entity]) => entity);
}

/**
 * The relationships touching an entity talked about whose both ends the NPC may know
 * (`mayKnowRelationship`), as sentences: "Klarg guards Cragmaw Castle". The edge sends
 * confirmed ones only, so a proposal never reaches an NPC.
 */
function knownRelations(npc: NpcDefinition, talkedAbout: readonly CampaignEntity[], all: readonly CampaignEntity[], relationships: readonly CampaignRelationship[]): string[] {
  if (talkedAbout.length === 0 || relationships.length === 0) return [];
  const byName = entityIndex(all).byName;
  const talked = new Set(talkedAbout.map((entity) => entity.name));
  return relationships
    .filter((r) => talked.has(r.source) || talked.has(r.target))
    .filter((r) => {
      const [source, target] = [byName.get(r.source), byName.get(r.target)];
      return source !== undefined && target !== undefined && mayKnowRelationship(npc, source, target);
    })
    .map((r) => `${r.source} ${r.type.replaceAll('_', ' ')} ${r.target}${r.bidirectional ? ' (and the other way round)' : ''}`);
}

type EntityIndex = ReturnType<typeof createEntityIndex>;

/**
 * A session's entity list is replaced whole (`campaign_facts`), never changed in place, and
 * its lines are looked at on several turns: each entity list gets one index, each line is searched once (a thousand entities
 * cost about a millisecond per line, on the path to the NPC's first word).
 */
const indexes = new WeakMap<readonly CampaignEntity[], EntityIndex>();

function entityIndex(entities: readonly CampaignEntity[]): EntityIndex {
  let index = indexes.get(entities);
  if (!index) indexes.set(entities, (index = createEntityIndex(entities)));
  return index;
}

function createEntityIndex(entities: readonly CampaignEntity[]) {
  const names = createNameMatcher(entities.map((entity) => ({ key: entity, names: [entity.name] })));
  const tags = entities.map((entity) => ({ entity, tags: entity.tags.filter((tag) => !isSecretTag(tag)).map(foldPhrase) }));
  const seen = new WeakMap<TranscriptEntry, Map<CampaignEntity, 'name' | 'tag'>>();

  const search = (line: TranscriptEntry) => {
    const found = new Map<CampaignEntity, 'name' | 'tag'>();
    const words = splitWords(line.text);
    for (const entry of tags) if (entry.tags.some((tag) => containsPhrase(words, tag))) found.set(entry.entity, 'tag');
    for (const mention of names.find(words, line.text)) found.set(mention.key, 'name');
    return found;
  };

  return {
    byName: new Map(entities.map((entity) => [entity.name, entity])),
    mentionsIn(line: TranscriptEntry): Map<CampaignEntity, 'name' | 'tag'> {
      let found = seen.get(line);
      if (!found) seen.set(line, (found = search(line)));
      return found;
    },
  };
}

function instructions(npc: NpcDefinition): string {
  const { name } = npc;
  const role = npc.gm_helper
    ? `You are ${name}, the game master's assistant at a tabletop role-playing game, heard by the whole table in a voice chat.
- Help run the game: answer questions about the rules and the campaign, out of character.
- Facts marked secret are for the game master only: share them only when the game master (DM) asks.`
    : `You are ${name}, a character in a tabletop role-playing game. The players talk with you in a voice chat.
- Stay in character as ${name}; never say you are an AI or a character in a game.
- Facts marked secret stay secret unless the players have clearly earned them in play or the game master (DM) says so; deflect in character.`;
  return `${role}
- Everything you write is spoken aloud: one to three short sentences, the way people talk.
- Write only the words ${name} says: no stage directions, actions, markdown, lists or emojis.
- Lines from the table read "Name: words"; answer the newest one meant for you.
- When you do not know something, say so rather than invent anything important.`;
}

/**
 * Instructions, then the DM's rules for this NPC, who it is, and what only it
 * knows: only its own secret, as `npc` is the only NPC a turn is built from.
 * Past the instructions, rules and secret take at most a third of the room
 * each, so neither crowds out the personality.
 */
function personaSection(npc: NpcDefinition, maxChars: number): string {
  const base = instructions(npc);
  const room = maxChars - base.length;
  const rules = section('\n\nRules the game master set for you:', npc.behavior_rules.map((rule) => `\n- ${rule.trim()}`).join(''), room / 3);
  const secret = section(
    npc.gm_helper ? '\n\nNotes only the game master may hear:\n' : '\n\nWhat only you know (a secret: keep it unless it is earned):\n',
    npc.secret_knowledge?.trim() ?? '',
    room / 3,
  );
  const personality = section('\n\nWho you are:\n', npc.personality.trim(), room - rules.length - secret.length);
  return base + rules + personality + secret;
}

/** `heading` and `body` within `maxChars`; '' when the body is empty or nothing of it fits. */
function section(heading: string, body: string, maxChars: number): string {
  const fitted = clipEnd(body, Math.floor(maxChars) - heading.length);
  return fitted ? heading + fitted : '';
}

/**
 * Appended to the persona, so it starts with its own separator (counted in its budget); '' when
 * nothing fits. How the facts relate comes after them, in what room they leave.
 */
function factsSection(entities: readonly CampaignEntity[], relations: readonly string[], maxChars: number): string {
  const heading = '\n\nWhat you know about what the table is talking about:';
  let section = heading;
  for (const entity of entities) {
    const secret = entity.tags.some(isSecretTag) ? ', secret' : '';
    const label = `\n- ${entity.name} (${entity.type}${secret}): `;
    const room = Math.min(MAX_FACT_CHARS, maxChars - section.length - label.length);
    if (room < MIN_FACT_CHARS) break;
    section += label + clipEnd(entity.description.trim(), room);
  }
  if (section === heading) return '';
  const related = '\nHow they relate:';
  let lines = '';
  for (const relation of relations) {
    const line = `\n- ${relation}`;
    if (section.length + related.length + lines.length + line.length > maxChars) break;
    lines += line;
  }
  return lines ? section + related + lines : section;
}

/**
 * The transcript as alternating user/assistant messages, newest kept: lines are
 * taken newest first until the budget is spent (the newest alone is cut to fit).
 * The NPC's own lines are its assistant turns; everyone else's, other NPCs
 * included, are user turns attributed by name. Consecutive lines of one role are
 * merged and a leading assistant turn dropped, as Anthropic requires.
 */
function transcriptMessages(npc: NpcDefinition, transcript: readonly TranscriptEntry[], maxChars: number, dmUserId?: string): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let room = maxChars;
  for (let i = transcript.length - 1; i >= 0 && room > 0; i--) {
    const line = transcript[i];
    if (!line) continue;
    const own = line.npc === true && (line.speaker_id === npc.id || line.speaker_name === npc.name);
    const prefix = own ? '' : `${line.speaker_name}${line.speaker_id === dmUserId ? ' (DM)' : ''}: `;
    // +1: the newline that joins it to a neighbour when merged.
    const cost = prefix.length + line.text.length + 1;
    if (cost > room && kept.length > 0) break;
    const text = cost > room ? clipStart(line.text, room - prefix.length - 1) : line.text;
    kept.unshift({ role: own ? 'assistant' : 'user', content: prefix + text });
    room -= prefix.length + text.length + 1;
  }

  const merged: ChatMessage[] = [];
  for (const message of kept) {
    const previous = merged.at(-1);
    if (previous?.role === message.role) previous.content += `\n${message.content}`;
    else if (previous || message.role === 'user') merged.push({ ...message });
  }
  // A turn with nothing said yet (a greeting, a recap): the request still needs its user turn.
  return merged.length > 0 ? merged : [{ role: 'user', content: '(The table is quiet.)' }];
}

/** Keeps the start of `text` within `max` characters. */
function clipEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  return max > 1 ? `${text.slice(0, max - 1)}…` : '';
}

/** Keeps the end of `text` (where a question usually is) within `max` characters. */
function clipStart(text: string, max: number): string {
  if (text.length <= max) return text;
  return max > 1 ? `…${text.slice(text.length - max + 1)}` : '';
}
