import { describe, expect, it } from 'vitest';
import { passages } from '../src/passages.ts';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('passages', () => {
  it('keeps short paragraphs together and breaks between them once full', () => {
    expect(passages('One.\n\nTwo.\n\n\n\nThree.', 12)).toEqual(['One.\n\nTwo.', 'Three.']);
  });

  it('splits a long paragraph at sentence ends, then spaces, then inside a word', () => {
    expect(passages('First sentence here. Second one.', 21)).toEqual(['First sentence here.', 'Second one.']);
    expect(passages('alpha beta gamma delta', 11)).toEqual(['alpha beta', 'gamma delta']);
    expect(passages('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('loses nothing but whitespace and stays within the limit', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Word${i}${i % 7 === 0 ? '.' : ''}${i % 40 === 0 ? '\n\n' : ' '}`).join('');
    const out = passages(text, 100);
    expect(out.every((p) => p.length <= 100 && p.length > 0)).toBe(true);
    expect(out.flatMap(words)).toEqual(words(text));
  });

  it('makes nothing of blank text', () => {
    expect(passages('  \n\n  ')).toEqual([]);
  });
});
