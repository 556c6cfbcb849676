import { foldPhrase, type NpcDefinition, phraseAt, splitWords, type Word } from '@glyphoxa/protocol';
import { createNameMatcher } from './fuzzy-match.ts';
import { firstContentWord, vocativePosition } from './vocative.ts';

/**
 * The DM's spoken NPC commands. A command is the whole utterance: a name (fuzzy,
 * as in addressee detection) with a command phrase before or after it, or a group
 * word with one ("Everyone stop"). Courtesy words ("please", "now") are ignored,
 * anything else makes it ordinary speech: "Grimjaw, stop the cart!" is in-character.
 * Only the session's DM (`started_by`) commands; the same words from a player are speech.
 */

/**
 * The same actions as the edge's `npc_command` (without its envelope), so the
 * pipeline hands them to the NPC roster unchanged. `name` is the NPC's own name.
 * `list` has no spoken form: its answer is for a screen, not the table.
 */
export type SpokenCommand =
  | { action: 'mute' | 'unmute'; name: string }
  | { action: 'speak'; name: string; text: string }
  | { action: 'muteall' | 'unmuteall' };

export interface SpokenCommandInput {
  text: string;
  speakerId: string;
  /** The session's `started_by`. */
  dmUserId: string;
  /** Every NPC of the session, muted or not (unmute must find muted ones). */
  npcs: readonly NpcDefinition[];
}

const phrases = (list: string[]) => list.map(foldPhrase);
const withAgain = (list: string[]) => list.flatMap((phrase) => [phrase, `${phrase} again`]);

const COURTESY = new Set(['please', 'now', 'just', 'ok', 'okay', 'alright', 'right', 'for', 'a', 'moment', 'second', 'minute', 'thanks']);
const GROUP = phrases(['everyone', 'everybody', 'all npcs', 'all of you', 'npcs', 'all']);
const MUTE = phrases([
  'be quiet', 'quiet', 'quiet down', 'stop', 'stop talking', 'stop speaking', 'shut up', 'hush', 'silence', 'be silent', 'mute', 'enough',
]);
const UNMUTE = phrases([...withAgain(['you may speak', 'you can speak', 'you may talk', 'you can talk']), 'speak again', 'talk again', 'unmute']);
const GROUP_UNMUTE = phrases([...withAgain(['may speak', 'can speak', 'may talk', 'can talk']), 'speak again', 'talk again', 'unmute']);
/** Phrases that may come before the name or group instead of after ("Unmute Grimjaw", "Quiet, everyone"). */
const UNMUTE_LEADING = phrases(['unmute']);

export function parseSpokenCommand(input: SpokenCommandInput): SpokenCommand | undefined {
  if (input.speakerId !== input.dmUserId) return undefined;
  const { text } = input;
  const words = splitWords(text);
  const first = firstContentWord(words);
  if (first === words.length) return undefined;

  for (const group of GROUP) {
    if (phraseAt(words, first, group)) {
      const after = words.slice(first + group.length);
      if (isOneOf(after, MUTE)) return { action: 'muteall' };
      if (isOneOf(after, GROUP_UNMUTE)) return { action: 'unmuteall' };
    }
    const start = words.length - group.length;
    if (start > first && phraseAt(words, start, group)) {
      const before = words.slice(first, start);
      if (isOneOf(before, MUTE)) return { action: 'muteall' };
      if (isOneOf(before, UNMUTE_LEADING)) return { action: 'unmuteall' };
    }
  }

  const matcher = createNameMatcher(input.npcs.map((npc) => ({ key: npc, names: [npc.name, ...npc.aliases] })));
  for (const mention of matcher.find(words, text)) {
    const name = mention.key.name;
    if (vocativePosition(words, text, mention.start, mention.end) === 'start') {
      const after = words.slice(mention.end);
      const spoken = after[0]?.text === 'say' ? verbatimAfter(text, after[0]) : undefined;
      if (spoken) return { action: 'speak', name, text: spoken };
      if (isOneOf(after, MUTE)) return { action: 'mute', name };
      if (isOneOf(after, UNMUTE)) return { action: 'unmute', name };
    }
    if (mention.end === words.length && mention.start > first) {
      const before = words.slice(first, mention.start);
      // "Unmute the innkeeper": the name matched without its article.
      if (before.at(-1)?.text === 'the') before.pop();
      if (isOneOf(before, MUTE)) return { action: 'mute', name };
      if (isOneOf(before, UNMUTE_LEADING)) return { action: 'unmute', name };
    }
  }
  return undefined;
}

/** Whether `words`, courtesy words left out, are exactly one of `options`. */
function isOneOf(words: readonly Word[], options: readonly string[][]): boolean {
  const said = words.filter((word) => !COURTESY.has(word.text)).map((word) => word.text).join(' ');
  return said !== '' && options.some((option) => option.join(' ') === said);
}

/** What follows "say", as the DM said it, minus the separator and quotes around it. */
function verbatimAfter(text: string, say: Word): string | undefined {
  const spoken = text
    .slice(say.end)
    .replace(/^[\s,:;.-]+/, '')
    .replace(/^["“'‘](.*)["”'’]$/s, '$1')
    .trim();
  return spoken || undefined;
}
