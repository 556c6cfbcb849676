/**
 * Standard dice notation, parsed into terms: `2d20kh1+5`, `4d6dl1`, `d%`, `3d6!`, `1d8+1d6-2`.
 * A dice term is `[count]d<sides|%>[!][kh|kl|dh|dl|k<n>]`; a bare number is a modifier.
 * Limits keep one roll cheap and its answer short enough for an NPC to say aloud.
 */

export const MAX_NOTATION_LENGTH = 100;
export const MAX_TERMS = 10;
export const MAX_DICE = 100;
export const MAX_SIDES = 1000;
export const MAX_MODIFIER = 10_000;

export type KeepRule = { keep: 'highest' | 'lowest'; count: number } | { drop: 'highest' | 'lowest'; count: number };

export interface DiceTerm {
  kind: 'dice';
  sign: 1 | -1;
  count: number;
  sides: number;
  exploding: boolean;
  rule: KeepRule | null;
  /** The term as written, normalised (`4d6dl1`), for the answer. */
  text: string;
}

export interface ConstantTerm {
  kind: 'constant';
  sign: 1 | -1;
  value: number;
}

export type Term = DiceTerm | ConstantTerm;

/** Bad notation, worded so the NPC can say it aloud and the model can correct itself. */
export class DiceNotationError extends Error {
  constructor(notation: string, reason: string) {
    super(`Cannot roll "${notation}": ${reason}. Write dice like 2d20kh1+5, 4d6dl1, d% or 3d6!`);
    this.name = 'DiceNotationError';
  }
}

const TERM = /^(\d*)d(\d+|%)(!?)(?:(kh|kl|dh|dl|k)(\d*))?$/;

export function parseNotation(input: string): Term[] {
  const notation = input.replace(/\s+/g, '').toLowerCase();
  if (notation === '') throw new DiceNotationError(input, 'the notation is empty');
  if (notation.length > MAX_NOTATION_LENGTH) throw new DiceNotationError(input.slice(0, 20) + '...', `the notation is longer than ${MAX_NOTATION_LENGTH} characters`);
  const parts = notation.match(/[+-]?[^+-]*/g)!.filter((part) => part !== '');
  if (parts.length > MAX_TERMS) throw new DiceNotationError(input, `more than ${MAX_TERMS} terms`);
  const terms = parts.map((part) => parseTerm(input, part));
  if (!terms.some((term) => term.kind === 'dice')) throw new DiceNotationError(input, 'there are no dice in it');
  const dice = terms.reduce((sum, term) => sum + (term.kind === 'dice' ? term.count : 0), 0);
  if (dice > MAX_DICE) throw new DiceNotationError(input, `more than ${MAX_DICE} dice at once`);
  return terms;
}

function parseTerm(input: string, part: string): Term {
  const sign = part.startsWith('-') ? -1 : 1;
  const body = part.replace(/^[+-]/, '');
  if (body === '') throw new DiceNotationError(input, `"${part}" has a sign but nothing after it`);
  if (/^\d+$/.test(body)) {
    const value = Number(body);
    if (value > MAX_MODIFIER) throw new DiceNotationError(input, `the modifier ${body} is larger than ${MAX_MODIFIER}`);
    return { kind: 'constant', sign, value };
  }
  const match = TERM.exec(body);
  if (!match) throw new DiceNotationError(input, `"${body}" is not a dice term`);
  const [, countText, sidesText, bang, ruleText, ruleCountText] = match as unknown as [string, string, string, string, string | undefined, string | undefined];
  const count = countText === '' ? 1 : Number(countText);
  const sides = sidesText === '%' ? 100 : Number(sidesText);
  if (count < 1) throw new DiceNotationError(input, `"${body}" rolls no dice`);
  if (count > MAX_DICE) throw new DiceNotationError(input, `more than ${MAX_DICE} dice at once`);
  if (sides < 2 || sides > MAX_SIDES) throw new DiceNotationError(input, `a die needs between 2 and ${MAX_SIDES} sides, not ${sidesText}`);
  const exploding = bang === '!';
  let rule: KeepRule | null = null;
  if (ruleText !== undefined) {
    const n = ruleCountText === '' || ruleCountText === undefined ? 1 : Number(ruleCountText);
    if (n < 1) throw new DiceNotationError(input, `"${body}" keeps or drops no dice`);
    // Without explosions the count is known: keeping all or dropping all of them is surely a mistake.
    if (!exploding && ruleText.startsWith('k') && n > count) throw new DiceNotationError(input, `"${body}" keeps ${n} of only ${count} dice`);
    if (!exploding && ruleText.startsWith('d') && n >= count) throw new DiceNotationError(input, `"${body}" drops ${n} of only ${count} dice`);
    const which = ruleText === 'kl' || ruleText === 'dl' ? 'lowest' : 'highest';
    rule = ruleText.startsWith('k') ? { keep: which, count: n } : { drop: which, count: n };
  }
  const ruleSuffix = rule === null ? '' : 'keep' in rule ? `k${rule.keep[0]}${rule.count}` : `d${rule.drop[0]}${rule.count}`;
  return { kind: 'dice', sign, count, sides, exploding, rule, text: `${count}d${sidesText === '%' ? '%' : sides}${bang}${ruleSuffix}` };
}
