import { describe, expect, it } from 'vitest';
import { createSentenceSplitter, FIRST_CLAUSE_CHARS } from '../../src/pipeline/sentence-splitter.ts';
import { speakable } from '../../src/pipeline/speakable.ts';

/** Streams `text` in deltas of `size` characters; returns each sentence with how much had been fed when it came out. */
function stream(text: string, size: number): { sentence: string; fed: number }[] {
  const splitter = createSentenceSplitter();
  const out: { sentence: string; fed: number }[] = [];
  for (let fed = 0; fed < text.length; ) {
    const delta = text.slice(fed, fed + size);
    fed += delta.length;
    for (const sentence of splitter.push(delta)) out.push({ sentence, fed });
  }
  for (const sentence of splitter.flush()) out.push({ sentence, fed: Infinity });
  return out;
}
const sentences = (text: string, size = 1) => stream(text, size).map((s) => s.sentence);

describe('sentence splitter', () => {
  it.each([1, 2, 5, 13, 10_000])('splits the same way whatever the delta size (%i)', (size) => {
    const text =
      'Welcome, traveler. Mr. Hobb owes me 3.5 gold! Well... maybe not. "Run!" she cried. Did you see it?! ' +
      'Dr. Vey, e.g. the healer, lives at St. Ives… and J. R. Hollow too.\nAsk me tomorrow';
    expect(sentences(text, size)).toEqual([
      'Welcome, traveler.',
      'Mr. Hobb owes me 3.5 gold!',
      'Well... maybe not.',
      '"Run!" she cried.',
      'Did you see it?!',
      'Dr. Vey, e.g. the healer, lives at St. Ives… and J. R. Hollow too.',
      'Ask me tomorrow',
    ]);
  });

  it('hands a sentence out as soon as the next word shows it is complete', () => {
    const out = stream('The bridge is out. Take the ford instead.', 1);
    // Complete once " T" arrived (19 characters fed), long before the reply ends.
    expect(out[0]).toEqual({ sentence: 'The bridge is out.', fed: 20 });
    expect(out[1]).toEqual({ sentence: 'Take the ford instead.', fed: Infinity });
  });

  it('keeps closing quotes and brackets with their sentence', () => {
    expect(sentences('He said "Leave now." (Then he left.) “Fine!” Good.')).toEqual(['He said "Leave now."', '(Then he left.)', '“Fine!”', 'Good.']);
  });

  it('ends a sentence at a newline even without a terminator', () => {
    expect(sentences('First line\nSecond line\n\nThird')).toEqual(['First line', 'Second line', 'Third']);
  });

  it('never splits inside a stage direction, and drops it', () => {
    expect(sentences('*He leans in. Slowly.* Listen well. The pass is closed. *grins* Any questions?')).toEqual([
      'Listen well.',
      'The pass is closed.',
      'Any questions?',
    ]);
    expect(sentences('Hmm. *sighs*')).toEqual(['Hmm.']);
  });

  it('cuts a long first sentence at a clause break, but only the first', () => {
    const clause = 'Ah, the northern road, that old and winding path through the pines,';
    const rest = ' where the wolves howl all night long and travelers vanish without a trace, leaving only their boots.';
    const long = `${clause}${rest} And the second sentence, being long as well, runs on past the same mark without a single stop, stays whole.`;
    const out = stream(long, 3);
    expect(out.map((s) => s.sentence)).toEqual([
      clause,
      rest.trim(),
      'And the second sentence, being long as well, runs on past the same mark without a single stop, stays whole.',
    ]);
    // Out as soon as the first sentence ran past the mark, long before it ended.
    expect(out[0]!.fed).toBeLessThanOrEqual(FIRST_CLAUSE_CHARS + 3);
  });

  it('does not cut a long first sentence that has no clause break', () => {
    const run = `${'word '.repeat(40)}end.`;
    expect(sentences(run)).toEqual([run]);
  });

  it('flushes what remains, and nothing when nothing is left', () => {
    const splitter = createSentenceSplitter();
    expect(splitter.push('Done.')).toEqual([]);
    expect(splitter.flush()).toEqual(['Done.']);
    expect(createSentenceSplitter().flush()).toEqual([]);
  });

  it('does not take a lone asterisk for a stage direction (the words stay, the star goes)', () => {
    expect(sentences('That is 5 * 3 coins. Or 5*3, if you like.')).toEqual(['That is 5 3 coins.', 'Or 53, if you like.']);
  });
});

describe('speakable', () => {
  it.each([
    ['*grins* Welcome, friend.', 'Welcome, friend.'],
    ['Welcome *bows deeply* , friend.', 'Welcome, friend.'],
    ['[sighs] Fine.', 'Fine.'],
    ['This is **very** _important_.', 'This is very important.'],
    ['# The Rules\n- rule one', 'The Rules - rule one'],
    ['See [the map](https://example.com/map) first.', 'See the map first.'],
    ['Good luck! 🐉🔥 👍🏽 🇬🇧', 'Good luck!'],
    ['Use `the key`.', 'Use the key.'],
  ])('%j is said as %j', (text, said) => {
    expect(speakable(text)).toBe(said);
  });

  it('leaves nothing when nothing is speakable', () => {
    for (const text of ['*nods*', '🙂', '...', '  ', '[pause]']) expect(speakable(text)).toBe('');
  });
});
