import { describe, expect, it } from 'vitest';
import { extractiveRecap, informativeLines } from '../src/recap/extractive.ts';

const line = (speakerName: string, text: string) => ({ speakerName, npc: false, text });

describe('the extractive recap', () => {
  it('keeps the story, drops the chatter and the repeats, in the order spoken', () => {
    const lines = [
      line('Vex', 'ok'),
      line('Vex', 'I open the door to the crypt of Saint Markovia.'),
      line('Mira', 'lol yes'),
      line('Mira', 'I open the door to the crypt of Saint Markovia too.'),
      line('Strahd', 'You are trespassing in my castle, little ones.'),
      line('Vex', 'We flee down the eastern stairs toward Barovia.'),
    ];
    expect(extractiveRecap(lines)).toBe(
      ['Vex: I open the door to the crypt of Saint Markovia.', 'Strahd: You are trespassing in my castle, little ones.', 'Vex: We flee down the eastern stairs toward Barovia.'].join('\n'),
    );
  });

  it('stays short for a long session, and says the same thing every time', () => {
    const filler = ['ok', 'yes', 'lol', 'wait what', 'my turn?'];
    const story = Array.from({ length: 40 }, (_, i) => `In room ${i} Zorn${i} carried Kel${i} past Mar${i} toward Tul${i}.`);
    const lines = Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? line('Vex', story[i / 10]!) : line('Mira', filler[i % filler.length]!)));
    const recap = extractiveRecap(lines);
    const picked = recap.split('\n');
    expect(picked).toHaveLength(10);
    expect(recap.length).toBeLessThanOrEqual(1800);
    expect(picked.every((l) => l.startsWith('Vex: In room '))).toBe(true);
    // In spoken order.
    const rooms = picked.map((l) => Number(/room (\d+)/.exec(l)![1]));
    expect(rooms).toEqual([...rooms].sort((a, b) => a - b));
    expect(extractiveRecap([...lines])).toBe(recap);
  });

  it('cuts a transcript to a character budget, most informative lines first', () => {
    const lines = [line('A', 'the the the the the'), line('B', 'Tiamat rises above Neverwinter tonight'), line('C', 'the cat sat on the the mat')];
    expect(informativeLines(lines, { maxLines: 10, maxChars: 45 }).map((l) => l.speakerName)).toEqual(['B']);
    expect(informativeLines(lines, { maxLines: 10, maxChars: 10_000 }).map((l) => l.speakerName)).toEqual(['A', 'B', 'C']);
  });

  it('still says something for a session of nothing but short lines', () => {
    expect(extractiveRecap([line('A', 'hi'), line('B', 'hello'), line('C', 'bye'), line('D', 'see you')])).toBe('B: hello\nC: bye\nD: see you');
  });
});
