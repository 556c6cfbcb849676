import type { Word } from '@glyphoxa/protocol';

/** What may come before a name that opens an utterance and still leave it the one spoken to ("Hey Grimjaw, ..."). */
const OPENERS = new Set([
  'hey', 'hi', 'hello', 'greetings', 'oh', 'ok', 'okay', 'alright', 'so', 'well', 'yo', 'um', 'uh', 'ah', 'er',
  'listen', 'look', 'excuse', 'me', 'please', 'and', 'but',
]);

/** Where a span of words sits as a form of address: opening the utterance, or closing it after a comma. */
export type VocativePosition = 'start' | 'end';

export function vocativePosition(words: readonly Word[], text: string, start: number, end: number): VocativePosition | undefined {
  if (words.slice(0, start).every((word) => OPENERS.has(word.text))) return 'start';
  const before = words[start - 1];
  const first = words[start];
  if (end === words.length && before && first && text.slice(before.end, first.start).includes(',')) return 'end';
  return undefined;
}

/** Index of the first word after the openers (where a vocative name would start). */
export function firstContentWord(words: readonly Word[]): number {
  const index = words.findIndex((word) => !OPENERS.has(word.text));
  return index === -1 ? words.length : index;
}
