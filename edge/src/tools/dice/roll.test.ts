import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiceNotationError, MAX_DICE } from './notation.ts';
import { cryptoDie, rollDice, type RandomDie } from './roll.ts';

/** A die that shows the given faces in order, so a test knows what was rolled. */
function scripted(faces: number[]): RandomDie {
  let i = 0;
  return (sides) => {
    const face = faces[i++ % faces.length]!;
    return Math.min(face, sides);
  };
}

const sides = fc.constantFrom(2, 4, 6, 8, 10, 12, 20, 100);
const count = fc.integer({ min: 1, max: 12 });
const modifier = fc.integer({ min: -20, max: 20 });
const withModifier = (m: number) => (m === 0 ? '' : m > 0 ? `+${m}` : `${m}`);

describe('roll_dice notation', () => {
  it('rolls 2d20kh1+5 as advantage: both dice shown, the higher kept, plus five', () => {
    const roll = rollDice('2d20kh1+5', scripted([7, 16]));
    expect(roll.notation).toBe('2d20kh1+5');
    expect(roll.terms[0]!.dice).toEqual([
      { value: 7, kept: false, exploded: false },
      { value: 16, kept: true, exploded: false },
    ]);
    expect(roll.modifier).toBe(5);
    expect(roll.total).toBe(21);
  });

  it('rolls 4d6dl1 for an ability score: the lowest die dropped', () => {
    const roll = rollDice('4d6dl1', scripted([3, 6, 1, 4]));
    expect(roll.terms[0]!.dice.map((d) => d.kept)).toEqual([true, true, false, true]);
    expect(roll.total).toBe(13);
  });

  it('rolls d% as one hundred-sided die', () => {
    const roll = rollDice('d%', scripted([42]));
    expect(roll.notation).toBe('1d%');
    expect(roll.total).toBe(42);
  });

  it('explodes d6!: every six rolls another die, and each die is shown', () => {
    const roll = rollDice('d6!', scripted([6, 6, 2]));
    expect(roll.terms[0]!.dice).toEqual([
      { value: 6, kept: true, exploded: false },
      { value: 6, kept: true, exploded: true },
      { value: 2, kept: true, exploded: true },
    ]);
    expect(roll.total).toBe(14);
  });

  it('adds and subtracts several terms, with spaces and capitals', () => {
    const roll = rollDice(' 1D8 + 2d4 - 1d6 - 2 ', scripted([5, 3, 1, 4]));
    expect(roll.notation).toBe('1d8+2d4-1d6-2');
    expect(roll.terms.map((t) => t.subtotal)).toEqual([5, 4, -4]);
    expect(roll.total).toBe(3);
  });

  it.each([
    ['', 'empty'],
    ['2d', 'not a dice term'],
    ['d1', 'between 2 and 1000 sides'],
    ['3d6kh4', 'keeps 4 of only 3'],
    ['2d6dl2', 'drops 2 of only 2'],
    ['0d6', 'rolls no dice'],
    ['101d6', `more than ${MAX_DICE} dice`],
    ['60d6+60d6', `more than ${MAX_DICE} dice`],
    ['5+3', 'no dice'],
    ['2d6+', 'nothing after it'],
    ['fireball', 'not a dice term'],
    ['1d6+99999', 'larger than'],
    ['1d6'.repeat(40), 'longer than'],
  ])('refuses %j with a reason the NPC can say (%s)', (notation, reason) => {
    expect(() => rollDice(notation)).toThrow(DiceNotationError);
    expect(() => rollDice(notation)).toThrow(reason);
  });

  it('keeps every total within the bounds of its notation', () => {
    fc.assert(
      fc.property(count, sides, modifier, (n, s, m) => {
        const roll = rollDice(`${n}d${s}${withModifier(m)}`);
        expect(roll.total).toBeGreaterThanOrEqual(n + m);
        expect(roll.total).toBeLessThanOrEqual(n * s + m);
        expect(roll.terms[0]!.dice).toHaveLength(n);
        expect(roll.terms[0]!.dice.every((d) => d.value >= 1 && d.value <= s)).toBe(true);
      }),
    );
  });

  it('keeps the highest or lowest k and drops the rest, and the total is what it kept', () => {
    const rule = fc.constantFrom('kh', 'kl', 'dh', 'dl');
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), sides, rule, fc.integer({ min: 1, max: 11 }), (n, s, r, k0) => {
        const k = r.startsWith('k') ? Math.min(k0, n) : Math.min(k0, n - 1);
        const dice = rollDice(`${n}d${s}${r}${k}`).terms[0]!.dice;
        const kept = dice.filter((d) => d.kept).map((d) => d.value);
        const setAside = dice.filter((d) => !d.kept).map((d) => d.value);
        expect(kept).toHaveLength(r.startsWith('k') ? k : n - k);
        const highestKept = r === 'kh' || r === 'dl';
        if (setAside.length > 0) {
          if (highestKept) expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...setAside));
          else expect(Math.max(...kept)).toBeLessThanOrEqual(Math.min(...setAside));
        }
      }),
    );
  });

  it('explodes exactly on the highest face: a die is an extra one exactly when the one before showed the maximum', () => {
    fc.assert(
      fc.property(count, fc.constantFrom(2, 3, 6), (n, s) => {
        const roll = rollDice(`${n}d${s}!`);
        const dice = roll.terms[0]!.dice;
        expect(dice[0]!.exploded).toBe(false);
        for (let i = 1; i < dice.length; i++) expect(dice[i]!.exploded).toBe(dice[i - 1]!.value === s);
        expect(dice.filter((d) => !d.exploded)).toHaveLength(n);
        expect(roll.total).toBeGreaterThanOrEqual(n);
      }),
    );
  });

  it('shows every face of a die about equally often (chi-squared over 60,000 rolls)', () => {
    const faces = 6;
    const rolls = 60_000;
    const seen = new Array<number>(faces).fill(0);
    for (let i = 0; i < rolls; i++) seen[cryptoDie(faces) - 1]!++;
    const expected = rolls / faces;
    const chiSquared = seen.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 5 degrees of freedom: a fair die goes above 30.9 one time in 100,000; a modulo-biased one far more.
    expect(chiSquared).toBeLessThan(30.9);
  });

  it('averages 2d20kh1 near 13.82, as advantage should', () => {
    const rolls = 20_000;
    let sum = 0;
    for (let i = 0; i < rolls; i++) sum += rollDice('2d20kh1').total;
    // Standard deviation of one roll is about 4.71; of the mean, 0.033: 0.2 is six of them.
    expect(Math.abs(sum / rolls - 13.825)).toBeLessThan(0.2);
  });
});
