import { soundKey } from './sound-key.ts';
import { foldPhrase, type Word } from '@glyphoxa/protocol';

/**
 * Finding names (NPCs, campaign entities) in speech-recognised text, where they
 * arrive misspelled ("Grimshaw", "Ellara") or split ("grim jaw"). Each run of
 * words is scored against each name by the mean of two similarities, spelling and
 * sound (1 - edit distance / longer length), and counts from `MATCH_THRESHOLD`.
 */

/** Mean similarity a run of words needs to count as a name. */
export const MATCH_THRESHOLD = 0.8;
/**
 * Names of up to three sounds ("Tom", "Vex") are one slip from many ordinary
 * words, so they need to sound the same and be spelled nearly the same.
 */
export const SHORT_NAME_THRESHOLD = 0.9;
/** Taken off when the heard words are more or fewer than the name's ("grim jaw" for "Grimjaw"). */
export const SPLIT_PENALTY = 0.1;

/** Words a recogniser hears reliably and names are never misheard as; runs made only of them match only exactly. */
const FUNCTION_WORDS = new Set(
  (
    'a an the and or but if so to of in on at by for with from up down out off over under into onto about as ' +
    'is are was were be been being am do does did have has had i me my you your he him his she her it its ' +
    'we us our they them their this that these those there here where when what who which why how not no yes ' +
    'all any some each every can could will would shall should may might must just only also very too than then ' +
    'now oh ok okay hey hi yeah im youre dont lets'
  ).split(' '),
);

/** Leading articles are not part of how a name is said ("the innkeeper" is called "innkeeper"). */
const ARTICLES = new Set(['the', 'a', 'an']);

export interface NameTarget<K> {
  key: K;
  /** Every way it is called: name and aliases. */
  names: readonly string[];
}

export interface NameMention<K> {
  key: K;
  /** Which of the target's names matched. */
  name: string;
  /** Index of the first word and one past the last, into the `words` searched. */
  start: number;
  end: number;
  score: number;
}

interface PreparedName<K> {
  key: K;
  name: string;
  wordCount: number;
  letters: string;
  sound: string;
  threshold: number;
}

export interface NameMatcher<K> {
  /** Non-overlapping mentions in `words` (from `splitWords(text)`), in order of position. */
  find(words: readonly Word[], text: string): NameMention<K>[];
}

export function createNameMatcher<K>(targets: readonly NameTarget<K>[]): NameMatcher<K> {
  // Bucketed by first sound: a mishearing keeps a name's onset, and the buckets keep a
  // thousand campaign entities cheap to look for.
  const byOnset = new Map<string, PreparedName<K>[]>();
  let longestName = 1;
  for (const target of targets) {
    for (const name of target.names) {
      const prepared = prepare(target.key, name);
      if (!prepared) continue;
      longestName = Math.max(longestName, prepared.wordCount);
      const onset = prepared.sound[0] ?? '';
      const bucket = byOnset.get(onset);
      if (bucket) bucket.push(prepared);
      else byOnset.set(onset, [prepared]);
    }
  }

  return {
    find(words, text) {
      const candidates: NameMention<K>[] = [];
      for (let start = 0; start < words.length; start++) {
        for (let end = start + 1; end <= Math.min(words.length, start + longestName + 1); end++) {
          if (end - start > 1 && !joinedBySpace(text, words[end - 2], words[end - 1])) break;
          const run = words.slice(start, end).map((word) => word.text);
          const letters = run.join('');
          const sound = soundKey(letters);
          const functionOnly = run.every((word) => FUNCTION_WORDS.has(word));
          for (const name of byOnset.get(sound[0] ?? '') ?? []) {
            if (Math.abs(end - start - name.wordCount) > 1) continue;
            const score = scoreRun(letters, sound, end - start, functionOnly, name);
            if (score >= name.threshold) candidates.push({ key: name.key, name: name.name, start, end, score });
          }
        }
      }
      return pickNonOverlapping(candidates);
    },
  };
}

function prepare<K>(key: K, name: string): PreparedName<K> | undefined {
  const words = foldPhrase(name);
  while (words.length > 1 && ARTICLES.has(words[0] ?? '')) words.shift();
  const letters = words.join('');
  if (!letters) return undefined;
  const sound = soundKey(letters);
  const threshold = sound.length <= 3 ? SHORT_NAME_THRESHOLD : MATCH_THRESHOLD;
  return { key, name, wordCount: words.length, letters, sound, threshold };
}

function scoreRun<K>(letters: string, sound: string, wordCount: number, functionOnly: boolean, name: PreparedName<K>): number {
  const penalty = wordCount === name.wordCount ? 0 : SPLIT_PENALTY;
  if (letters === name.letters) return 1 - penalty;
  if (functionOnly) return 0;
  // The mean reaches `needed` only if each similarity reaches 2 * needed - 1 (the other being at most 1):
  // bounding the edit distances by that rejects most runs after a few letters.
  const needed = name.threshold + penalty;
  const soundSimilarity = similarity(sound, name.sound, 2 * needed - 1);
  const letterSimilarity = similarity(letters, name.letters, 2 * needed - soundSimilarity);
  return (soundSimilarity + letterSimilarity) / 2 - penalty;
}

/** Words of one name are said together: a run stops at punctuation ("Grim. Jaw" is two things). */
function joinedBySpace(text: string, before: Word | undefined, after: Word | undefined): boolean {
  return before !== undefined && after !== undefined && /^[\s-]*$/.test(text.slice(before.end, after.start));
}

/** Best-scoring first; a run (or any word of it) counts for one name only. */
function pickNonOverlapping<K>(candidates: NameMention<K>[]): NameMention<K>[] {
  const chosen: NameMention<K>[] = [];
  const byScore = [...candidates].sort((a, b) => b.score - a.score || a.start - b.start);
  for (const candidate of byScore) {
    if (chosen.every((taken) => candidate.end <= taken.start || candidate.start >= taken.end)) chosen.push(candidate);
  }
  return chosen.sort((a, b) => a.start - b.start);
}

/**
 * 1 - edit distance / longer length: 1 for equal strings, 0 for nothing in common.
 * With `atLeast`, any result below it may come back as 0 (the distance stops counting early).
 */
export function similarity(a: string, b: string, atLeast = 0): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  const distance = editDistance(a, b, Math.floor((1 - atLeast) * longest + 1e-9));
  return distance === undefined ? 0 : 1 - distance / longest;
}

/** Two rows of the distance table, reused: matching runs this for every word against every name. */
let rows = [new Uint16Array(64), new Uint16Array(64)] as const;

/** Levenshtein distance (insert, delete, substitute); undefined once it is sure to exceed `max`. */
export function editDistance(a: string, b: string, max = Infinity): number | undefined {
  if (Math.abs(a.length - b.length) > max) return undefined;
  if (rows[0].length <= b.length) rows = [new Uint16Array(2 * b.length + 2), new Uint16Array(2 * b.length + 2)];
  let [previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      const value = Math.min(substitute, previous[j]! + 1, current[j - 1]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    // Every path to the end passes through this row, so its smallest value is a lower bound.
    if (rowMin > max) return undefined;
    [previous, current] = [current, previous];
  }
  const distance = previous[b.length]!;
  return distance > max ? undefined : distance;
}
