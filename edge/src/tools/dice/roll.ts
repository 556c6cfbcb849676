import { parseNotation, type DiceTerm, type Term } from './notation.ts';

/** One face, 1..sides, uniformly. */
export type RandomDie = (sides: number) => number;

/** A chain of explosions stops here; crypto-random d2s reach it with odds of 2^-50. */
export const MAX_EXPLOSIONS_PER_TERM = 50;

export interface RolledDie {
  value: number;
  /** Counted in the total (false when keep/drop set it aside). */
  kept: boolean;
  /** Rolled because the die before it showed its highest face (`!`). */
  exploded: boolean;
}

export interface RolledTerm {
  term: string;
  sign: 1 | -1;
  dice: RolledDie[];
  subtotal: number;
}

export interface DiceRoll {
  notation: string;
  terms: RolledTerm[];
  modifier: number;
  total: number;
}

const RANGE = 2 ** 32;

/**
 * A die from the platform's CSPRNG: rejection sampling over 32-bit values, so every face is
 * exactly as likely (a plain modulo favours the low faces).
 */
export const cryptoDie: RandomDie = (sides) => {
  const limit = RANGE - (RANGE % sides);
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    if (buffer[0]! < limit) return (buffer[0]! % sides) + 1;
  }
};

/** Rolls standard notation; throws DiceNotationError for notation it cannot roll. */
export function rollDice(notation: string, die: RandomDie = cryptoDie): DiceRoll {
  const terms = parseNotation(notation);
  const rolled = terms.filter((term): term is DiceTerm => term.kind === 'dice').map((term) => rollTerm(term, die));
  const modifier = terms.reduce((sum, term) => sum + (term.kind === 'constant' ? term.sign * term.value : 0), 0);
  return {
    notation: terms.map(writeTerm).join('').replace(/^\+/, ''),
    terms: rolled,
    modifier,
    total: rolled.reduce((sum, term) => sum + term.subtotal, modifier),
  };
}

function writeTerm(term: Term, index: number): string {
  const sign = term.sign === -1 ? '-' : index === 0 ? '' : '+';
  return sign + (term.kind === 'dice' ? term.text : String(term.value));
}

function rollTerm(term: DiceTerm, die: RandomDie): RolledTerm {
  const values: Array<{ value: number; exploded: boolean }> = [];
  let explosions = 0;
  for (let i = 0; i < term.count; i++) {
    let value = die(term.sides);
    values.push({ value, exploded: false });
    while (term.exploding && value === term.sides && explosions < MAX_EXPLOSIONS_PER_TERM) {
      explosions++;
      value = die(term.sides);
      values.push({ value, exploded: true });
    }
  }
  const kept = keptIndexes(values.map((d) => d.value), term);
  const dice = values.map((d, i) => ({ ...d, kept: kept.has(i) }));
  const sum = dice.reduce((s, d) => s + (d.kept ? d.value : 0), 0);
  return { term: term.text, sign: term.sign, dice, subtotal: term.sign * sum };
}

/** Which dice count: all, or what keep/drop leaves (which of two equal dice is set aside does not change the total). */
function keptIndexes(values: number[], term: DiceTerm): Set<number> {
  const all = values.map((_, i) => i);
  const rule = term.rule;
  if (rule === null) return new Set(all);
  const ascending = [...all].sort((a, b) => values[a]! - values[b]! || a - b);
  const n = Math.min(rule.count, values.length);
  if ('keep' in rule) return new Set(rule.keep === 'highest' ? ascending.slice(values.length - n) : ascending.slice(0, n));
  return new Set(rule.drop === 'highest' ? ascending.slice(0, values.length - n) : ascending.slice(n));
}
