/** A word of an utterance: folded for matching, with where it sits in the original text. */
export interface Word {
  /** Lower case, accents and apostrophes removed, "'s" dropped: "Grimjaw's" -> "grimjaw" (but "let's" -> "lets"). */
  text: string;
  /** Offsets into the original text, so callers can read punctuation around it or cut verbatim text. */
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Splits STT text into words; punctuation only separates (callers read it from the offsets). */
export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const folded = foldWord(match[0]);
    if (folded) words.push({ text: folded, start: match.index, end: match.index + match[0].length });
  }
  return words;
}

/** The matching form of one word (see `Word.text`). */
function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // "'s" is mostly a possessive or "is" on a name ("Grimjaw's axe"); "let's" is the one contraction worth keeping.
    .replace(/^let['’]s$/, 'lets')
    .replace(/['’]s$/, '')
    .replace(/['’]/g, '');
}

/** The folded words of a phrase, e.g. a name or a tag. */
export function foldPhrase(phrase: string): string[] {
  return splitWords(phrase).map((word) => word.text);
}

/** Whether `phrase` (folded words) occurs in `words` starting at `index`. */
export function phraseAt(words: readonly Word[], index: number, phrase: readonly string[]): boolean {
  return phrase.length > 0 && phrase.every((part, offset) => words[index + offset]?.text === part);
}

/** Whether `phrase` (folded words) occurs anywhere in `words`. */
export function containsPhrase(words: readonly Word[], phrase: readonly string[]): boolean {
  return words.some((_, index) => phraseAt(words, index, phrase));
}
