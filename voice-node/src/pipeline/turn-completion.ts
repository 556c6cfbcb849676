import { splitWords } from '@glyphoxa/protocol';

/**
 * Whether a player has finished their turn, from the words heard so far and how the
 * voice ended, instead of one fixed wait. A finished question or sentence ends the
 * turn after a short silence; words that promise more ("and...", "I want to...", a
 * trailing comma) or a voice that rose into the pause hold the answer back longer.
 * The hold is how long after the last sound an answer may be heard; it scales with
 * the confidence between `MIN_HOLD_MS` and `MAX_HOLD_MS`. STTs are asked to punctuate,
 * so a clause without a closing mark counts as probably unfinished. No turn-detection model
 * ships in a registry package, so this is rules over the transcript and the pitch.
 */

/** The hold for a turn we are sure of: enough to catch a breath between two sentences. */
export const MIN_HOLD_MS = 250;
/** The hold for a turn that sounds unfinished: past the longest pause people make mid-sentence. */
export const MAX_HOLD_MS = 1600;
/** Below this an answer is not even prepared before the final transcript (it would likely be wasted). */
export const PREPARE_CONFIDENCE = 0.5;
/** While the player is still talking, only a sentence with its closing mark is worth preparing an answer to. */
export const PREPARE_WHILE_SPEAKING = 0.8;

export interface TurnCues {
  /** The turn's words so far (partial or final), punctuation as the STT wrote it. */
  text: string;
  /** The pitch movement over the speech's last stretch, semitones (positive: rising), if it was voiced. */
  pitchRise?: number;
}

export interface TurnAssessment {
  /** 0..1: how sure the player is done. */
  confidence: number;
  /** How long after the last sound an answer may be heard. */
  holdMs: number;
}

/** Words after which a sentence cannot end: conjunctions, articles, prepositions, possessives, auxiliaries, fillers. */
const OPEN_ENDINGS = new Set(
  (
    'and or but so because if then than that which who whom whose when where while until unless although though ' +
    'the a an this these those my your his her its our their some any every no ' +
    'of to for with about from into onto in on at by over under through between like as ' +
    'is are was were be been am do does did have has had can could will would shall should may might must ' +
    'i we you he she they me us him them not very really just also um uh er erm hmm well'
  ).split(' '),
);

/** Phrases that announce what comes next: "I want to", "tell me", "what about". */
const OPEN_PHRASES = [
  'i want', 'i wanna', 'i would like', 'id like', 'i need', 'i think', 'i mean', 'tell me', 'show me', 'give me', 'let me',
  'what about', 'how about', 'the thing is', 'you know', 'kind of', 'sort of',
].map((phrase) => phrase.split(' '));

/** Openers of a question: a clause shaped like one may be done even when the STT left off its mark. */
const QUESTION_OPENERS = new Set(
  'what where who whom whose why how which when do does did is are was were can could will would should shall may have has'.split(' '),
);

/** Pitch rise (semitones) that reads as "more to come" rather than a statement's fall. */
const RISE_SEMITONES = 2;
const FALL_SEMITONES = -1.5;

export function assessTurn(cues: TurnCues): TurnAssessment {
  const confidence = clamp(wordConfidence(cues.text) + pitchAdjustment(cues));
  return { confidence, holdMs: Math.round(MIN_HOLD_MS + (1 - confidence) * (MAX_HOLD_MS - MIN_HOLD_MS)) };
}

function wordConfidence(text: string): number {
  const trimmed = text.trim();
  const words = splitWords(trimmed).map((word) => word.text);
  if (words.length === 0) return 0;
  const last = words.at(-1)!;
  const mark = /[.!?…,;:-]$/.exec(trimmed)?.[0];
  if (mark === ',' || mark === ';' || mark === ':' || mark === '-' || mark === '…') return 0.15;
  // A closing mark is the STT's own judgement, and "Can you help me?" ends on an open word.
  if (mark === '?' || mark === '!') return 0.95;
  if (mark === '.') return words.length >= 2 ? 0.85 : 0.6;
  if (OPEN_ENDINGS.has(last) || OPEN_PHRASES.some((phrase) => endsWith(words, phrase))) return 0.1;
  // No mark: a punctuating STT ends a finished sentence with one, so this one is likely still going;
  // a question's shape leaves a little more hope, but neither is worth answering early.
  if (words.length >= 3 && words.slice(0, 3).some((word) => QUESTION_OPENERS.has(word))) return 0.45;
  if (words.length >= 3) return 0.4;
  return 0.3;
}

function pitchAdjustment({ text, pitchRise }: TurnCues): number {
  if (pitchRise === undefined) return 0;
  // A question rises anyway; only a statement that rises into the pause sounds unfinished.
  if (pitchRise >= RISE_SEMITONES && !text.trim().endsWith('?')) return -0.3;
  if (pitchRise <= FALL_SEMITONES) return 0.1;
  return 0;
}

function endsWith(words: string[], phrase: string[]): boolean {
  return phrase.length <= words.length && phrase.every((part, i) => words[words.length - phrase.length + i] === part);
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/**
 * Whether two transcripts of one turn differ in words that matter: case, punctuation
 * and fillers aside, the same words in the same order mean the same answer.
 */
export function sameWords(a: string, b: string): boolean {
  const meaningful = (text: string) => splitWords(text).map((word) => word.text).filter((word) => !FILLERS.has(word));
  const left = meaningful(a);
  const right = meaningful(b);
  return left.length === right.length && left.every((word, i) => word === right[i]);
}

const FILLERS = new Set('um uh er erm hmm mm ah oh'.split(' '));
