import { containsPhrase, foldPhrase, type NpcDefinition, phraseAt, splitWords, type Word } from '@glyphoxa/protocol';
import { createNameMatcher, type NameMention } from './fuzzy-match.ts';
import { vocativePosition, firstContentWord, type VocativePosition } from './vocative.ts';

/**
 * Which NPC, if any, answers a player's finalized utterance.
 *
 * 1. Named: the most prominent NPC named (fuzzily, see fuzzy-match.ts) answers.
 *    Prominence: opening the utterance ("Grimjaw, ...", "Hey Grimjaw ...") beats
 *    closing it after a comma ("..., Elara?"), which beats a mention elsewhere;
 *    then the earlier, then the better match. If the most prominent name is a muted
 *    NPC spoken to directly, nobody answers (the player chose them); a muted NPC
 *    merely mentioned is passed over for the next one named.
 * 2. An utterance opening on the table ("Guys, ...", "Everyone ...") with NPCs only
 *    mentioned is table talk: nobody answers.
 * 3. Continuing: with no name heard, the NPC this speaker last talked with answers
 *    if that was within `CONVERSATION_WINDOW_MS`, the NPC is not muted, the speaker
 *    is not the DM (the DM narrates between lines, which must not wake an NPC) and
 *    the utterance has no table-talk cue (addressing the group, game mechanics,
 *    out-of-character). The window runs from the last exchange, so a conversation
 *    keeps itself alive; naming another NPC moves it, table talk ends it (see
 *    conversation-tracker.ts).
 * 4. Otherwise silence.
 */

/** How long after the last exchange an unnamed utterance still continues a conversation. */
export const CONVERSATION_WINDOW_MS = 30_000;
/** Confidence reported for a continuation: below any name match (those start at 0.8). */
export const CONTINUATION_CONFIDENCE = 0.6;

/** Words that open an utterance to the whole table rather than one character. */
const TABLE_OPENERS = ['guys', 'everyone', 'everybody', 'yall', 'you all', 'you guys', 'folks', 'team'];
/** Cues that an utterance is to the other players, not the NPC: the group, the game's mechanics, out of character. */
const TABLE_CUES = [
  ...TABLE_OPENERS,
  'lets', 'let us', 'we should', 'should we', 'shall we', 'out of character', 'ooc', 'brb', 'be right back',
  'initiative', 'roll', 'rolled', 'rolling', 'dice', 'hit points', 'armor class', 'my turn', 'whose turn', 'your turn',
].map(foldPhrase);
const TABLE_OPENER_WORDS = TABLE_OPENERS.map(foldPhrase);

/** The speaker's most recent exchange with an NPC. */
export interface Exchange {
  npcId: string;
  atMs: number;
}

export interface AddresseeInput {
  /** The utterance as STT finalized it. */
  text: string;
  speakerId: string;
  /** The session's NPCs with their current muted flags. */
  npcs: readonly NpcDefinition[];
  /** This speaker's last exchange, if any (conversation-tracker.ts). */
  lastExchange?: Exchange;
  /** The session's `started_by`. */
  dmUserId?: string;
  nowMs: number;
}

export type AddresseeReason =
  | 'vocative' // named as the one spoken to
  | 'named' // named elsewhere in the utterance
  | 'continuation' // no name; continuing this speaker's recent conversation
  | 'muted' // the NPC spoken to is muted
  | 'table' // spoken to the table
  | 'unaddressed'; // no name, no conversation to continue

export interface AddresseeDecision {
  /** Who answers; undefined means every NPC stays silent. */
  npc?: NpcDefinition;
  reason: AddresseeReason;
  /** How sure the answering NPC is meant: the name's match score, `CONTINUATION_CONFIDENCE`, or 0 when silent. */
  confidence: number;
  /** One line for the logs: what was heard and why. */
  detail: string;
}

interface Placed {
  mention: NameMention<NpcDefinition>;
  vocative: VocativePosition | undefined;
}

const PROMINENCE = { start: 2, end: 1 } as const;

export function detectAddressee(input: AddresseeInput): AddresseeDecision {
  const { text, npcs } = input;
  const words = splitWords(text);
  const matcher = createNameMatcher(npcs.map((npc) => ({ key: npc, names: [npc.name, ...npc.aliases] })));
  const placed: Placed[] = matcher
    .find(words, text)
    .map((mention) => ({ mention, vocative: vocativePosition(words, text, mention.start, mention.end) }))
    .sort(byProminence);
  const heard = (p: Placed) => {
    const said = text.slice(words[p.mention.start]?.start, words[p.mention.end - 1]?.end);
    return `"${said}" as ${p.mention.key.name} (${p.mention.score.toFixed(2)})`;
  };

  const top = placed[0];
  if (top) {
    const answering = top.vocative && top.mention.key.muted ? undefined : placed.find((p) => !p.mention.key.muted);
    if (!answering) return silent('muted', `heard ${heard(top)}, muted`);
    if (!answering.vocative && opensOnTable(words)) return silent('table', `spoken to the table; ${heard(answering)} only mentioned`);
    return {
      npc: answering.mention.key,
      reason: answering.vocative ? 'vocative' : 'named',
      confidence: answering.mention.score,
      detail: `heard ${heard(answering)}${answering.vocative ? `, addressed at ${answering.vocative}` : ''}`,
    };
  }

  if (TABLE_CUES.some((cue) => containsPhrase(words, cue))) return silent('table', 'table talk');
  const last = input.lastExchange;
  if (!last || input.speakerId === input.dmUserId) return silent('unaddressed', 'no NPC named');
  const age = input.nowMs - last.atMs;
  const npc = npcs.find((candidate) => candidate.id === last.npcId);
  if (!npc || age > CONVERSATION_WINDOW_MS) return silent('unaddressed', 'no NPC named, no conversation in progress');
  if (npc.muted) return silent('muted', `continuing with ${npc.name}, muted`);
  return { npc, reason: 'continuation', confidence: CONTINUATION_CONFIDENCE, detail: `continuing with ${npc.name} (${Math.round(age / 1000)} s since)` };
}

function byProminence(a: Placed, b: Placed): number {
  const rank = (p: Placed) => (p.vocative ? PROMINENCE[p.vocative] : 0);
  return rank(b) - rank(a) || a.mention.start - b.mention.start || b.mention.score - a.mention.score;
}

function opensOnTable(words: readonly Word[]): boolean {
  const first = firstContentWord(words);
  return TABLE_OPENER_WORDS.some((opener) => phraseAt(words, first, opener));
}

function silent(reason: AddresseeReason, detail: string): AddresseeDecision {
  return { npc: undefined, reason, confidence: 0, detail };
}
