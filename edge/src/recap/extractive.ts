import type { SessionEntry } from '@glyphoxa/db';
import { excerpt } from '../text.ts';

export type Line = Pick<SessionEntry, 'speakerName' | 'npc' | 'text'>;

/** Lines shorter than this are table chatter ("yes", "ok, go on"), not story. */
const MIN_WORDS = 4;
/** A line sharing this much of its vocabulary with one already picked says nothing new. */
const MAX_OVERLAP = 0.5;
/** A line repeating one of this many before it is an echo ("I open the door too"): the first telling counts. */
const ECHO_WINDOW = 20;

const wordsOf = (text: string) => new Set((text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).filter((w) => w.length >= 3));

/**
 * The most informative lines, in the order they were spoken, within a budget.
 * A line is worth the rarity of its words across the session (a name or place
 * said once outweighs "the" said everywhere, in any language), per its length;
 * echoes of a line just said, and near-repeats of a picked line, are skipped.
 * Deterministic: ties go to the earlier line.
 */
export function informativeLines<L extends Line>(lines: readonly L[], budget: { maxLines: number; maxChars: number }): L[] {
  const words = lines.map((line) => wordsOf(line.text));
  const frequency = new Map<string, number>();
  for (const set of words) for (const w of set) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const rarity = (set: Set<string>) => [...set].reduce((sum, w) => sum + Math.log((lines.length + 1) / frequency.get(w)!), 0);
  const candidates = lines
    .map((line, index) => ({ line, index, set: words[index]!, score: rarity(words[index]!) / Math.sqrt(Math.max(1, words[index]!.size)) }))
    .filter((c) => c.line.text.trim().split(/\s+/).length >= MIN_WORDS)
    .filter((c) => !words.slice(Math.max(0, c.index - ECHO_WINDOW), c.index).some((earlier) => overlap(earlier, c.set) >= MAX_OVERLAP))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const picked: typeof candidates = [];
  let chars = 0;
  for (const candidate of candidates) {
    if (picked.length >= budget.maxLines) break;
    const size = candidate.line.speakerName.length + candidate.line.text.length + 3;
    if (chars + size > budget.maxChars) continue;
    if (picked.some((p) => overlap(p.set, candidate.set) >= MAX_OVERLAP)) continue;
    picked.push(candidate);
    chars += size;
  }
  return picked.sort((a, b) => a.index - b.index).map((p) => p.line);
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * A recap without an LLM: the session's key lines, a line each, as
 * `Speaker: what they said`. Longer sessions get a few more lines.
 */
export function extractiveRecap(lines: readonly Line[]): string {
  const maxLines = Math.min(10, Math.max(3, Math.round(Math.sqrt(lines.length)) + 2));
  const picked = informativeLines(lines, { maxLines, maxChars: 1800 });
  // A session of nothing but short lines still gets its last words.
  const shown = picked.length > 0 ? picked : lines.slice(-3);
  return shown.map((line) => `${line.speakerName}: ${excerpt(line.text, 280)}`).join('\n');
}
