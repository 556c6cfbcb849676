import { speakable } from './speakable.ts';

/**
 * Cuts a streamed LLM reply into sentences for TTS, each handed out as soon as it
 * is known to be complete, already made speakable (speakable.ts); one splitter per reply.
 *
 * A sentence ends at a newline, or at `.` `!` `?` `…` (runs like `?!` or `...`
 * included, then any closing quotes or brackets) followed by space and a word that
 * does not start in lower case — so `3.5`, `"Run!" she said` and `Well... maybe`
 * stay whole — unless the `.` ends a title or other abbreviation (`Mr.`, `e.g.`)
 * or an initial (`J. R.`). Nothing inside a stage direction (`*...*`, `[...]`)
 * ends a sentence. Deciding needs the start of the next word, so a sentence waits
 * for that much of the next delta.
 *
 * The first sentence has a fast path: once it runs past `FIRST_CLAUSE_CHARS`
 * without ending, it is cut after its last clause break (`,` `;` `:` dash), so
 * the voice can start while the LLM writes the rest.
 */

/** Length past which a still-open first sentence is cut at a clause break. */
export const FIRST_CLAUSE_CHARS = 120;
/** A first clause shorter than this is not worth its own TTS request. */
export const MIN_CLAUSE_CHARS = 40;

/** Lower case words that a `.` follows without ending the sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'st', 'mt', 'jr', 'sr', 'prof', 'capt', 'sgt', 'lt', 'col', 'gen', 'gov', 'rev', 'fr',
  'vs', 'e.g', 'i.e', 'cf', 'approx', 'fig', 'vol', 'ch',
]);
const TERMINATORS = new Set('.!?…');
const CLOSERS = new Set(`"'”’)]»`);
const CLAUSE_BREAKS = new Set(',;:—–');

export interface SentenceSplitter {
  /** Adds a text delta; returns the sentences it completed (maybe none). */
  push(delta: string): string[];
  /** The reply is complete: returns whatever is left, as sentences. */
  flush(): string[];
}

export function createSentenceSplitter(): SentenceSplitter {
  let buffer = '';
  let emitted = false;

  const drain = (final: boolean): string[] => {
    const sentences: string[] = [];
    const take = (end: number) => {
      const sentence = speakable(buffer.slice(0, end));
      buffer = buffer.slice(end);
      if (sentence) {
        sentences.push(sentence);
        emitted = true;
      }
    };
    for (;;) {
      const { end, clauseEnd } = scan(buffer, final);
      if (end !== undefined) take(end);
      else if (!emitted && buffer.length > FIRST_CLAUSE_CHARS && clauseEnd !== undefined) take(clauseEnd);
      else break;
    }
    if (final && buffer) take(buffer.length);
    return sentences;
  };

  return {
    push(delta) {
      buffer += delta;
      return drain(false);
    },
    flush: () => drain(true),
  };
}

interface Scan {
  /** Just past the first complete sentence, if one is. */
  end?: number;
  /** Just past the last clause break seen at or after `MIN_CLAUSE_CHARS`, outside stage directions. */
  clauseEnd?: number;
}

/** Finds the first sentence end; `final` means no more text will come. */
function scan(text: string, final: boolean): Scan {
  let inStar = false;
  let inBracket = false;
  let clauseEnd: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '\n') return { end: i + 1, clauseEnd };
    if (char === '*') {
      if (text[i + 1] === '*') i++; // bold: its words are spoken
      else if (i + 1 === text.length && !final) return { clauseEnd }; // may yet become bold
      else if (inStar) inStar = false;
      else inStar = /^[\s"'(]?$/.test(text[i - 1] ?? '') && !/\s/.test(text[i + 1] ?? ' '); // not "5*3"
      continue;
    }
    if (char === '[') inBracket = true;
    if (char === ']') inBracket = false;
    if (inStar || inBracket) continue;
    if (CLAUSE_BREAKS.has(char) && i + 1 >= MIN_CLAUSE_CHARS && /\s/.test(text[i + 1] ?? '')) clauseEnd = i + 1;
    if (!TERMINATORS.has(char)) continue;

    let end = i;
    while (TERMINATORS.has(text[end] ?? '')) end++;
    while (CLOSERS.has(text[end] ?? '')) end++;
    if (end === text.length) return final ? { end, clauseEnd } : { clauseEnd };
    const after = text.slice(end);
    if (!/^\s/.test(after)) {
      i = end - 1;
      continue;
    }
    if (/^[^\S\n]*\n/.test(after)) return { end, clauseEnd };
    // A stage direction after a terminator starts a new sentence whatever its case.
    const next = /^\s*["'“‘(]*([\p{L}\p{N}*[])/u.exec(after)?.[1];
    if (next === undefined) {
      if (!final && /^[\s"'“‘(]*$/.test(after)) return { clauseEnd };
    } else if (/\p{Ll}/u.test(next) || (end - i === 1 && char === '.' && isAbbreviation(text, i))) {
      i = end - 1;
      continue;
    }
    return { end, clauseEnd };
  }
  return { clauseEnd };
}

/** Whether the word before the `.` at `dot` is an abbreviation or an initial. */
function isAbbreviation(text: string, dot: number): boolean {
  const word = /[\p{L}.]+$/u.exec(text.slice(0, dot))?.[0] ?? '';
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word);
}
