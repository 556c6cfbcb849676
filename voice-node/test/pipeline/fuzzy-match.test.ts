import { describe, expect, it } from 'vitest';
import { createNameMatcher, editDistance, MATCH_THRESHOLD, similarity } from '../../src/pipeline/fuzzy-match.ts';
import { soundKey } from '../../src/pipeline/sound-key.ts';
import { splitWords } from '@glyphoxa/protocol';
import { CAST, TABLE_TALK } from './npc-fixtures.ts';

const matcher = createNameMatcher(CAST.map((npc) => ({ key: npc.name, names: [npc.name, ...npc.aliases] })));
const find = (text: string) => matcher.find(splitWords(text), text);
const heardAs = (text: string) => find(text).map((mention) => mention.key);

describe('words', () => {
  it('folds case, accents, apostrophes and possessives, keeping offsets into the original', () => {
    const text = 'Élara’s  friend—GRIMJAW? Don\'t!';
    expect(splitWords(text)).toEqual([
      { text: 'elara', start: 0, end: 7 },
      { text: 'friend', start: 9, end: 15 },
      { text: 'grimjaw', start: 16, end: 23 },
      { text: 'dont', start: 25, end: 30 },
    ]);
  });
});

describe('edit distance and sound keys', () => {
  it('computes Levenshtein distance and similarity', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBeUndefined();
    expect(similarity('grimjaw', 'gizmo', 0.6)).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(similarity('grimjar', 'grimjaw')).toBeCloseTo(6 / 7);
    expect(similarity('', '')).toBe(1);
  });

  it('gives the ways a recogniser misspells a name the same key, and ordinary neighbours another', () => {
    expect(new Set(['elara', 'ellara', 'alara', 'elarra'].map(soundKey))).toEqual(new Set(['alara']));
    expect(new Set(['grimjaw', 'grimshaw', 'grimchaw'].map(soundKey))).toEqual(new Set(['gramja']));
    expect(soundKey('seraphine')).toBe(soundKey('serafin'));
    expect(soundKey('thorne')).not.toBe(soundKey('torn'));
    expect(soundKey('thorne')).not.toBe(soundKey('throne'));
  });
});

describe('name matcher', () => {
  it.each([
    ['Grimjaw, what do you sell?', 'Grimjaw'],
    ['grim jaw what do you sell', 'Grimjaw'],
    ['Grimshaw, what do you sell?', 'Grimjaw'],
    ['Grimjar what do you sell', 'Grimjaw'],
    ['Ellara, is the road safe?', 'Elara'],
    ['Alara is the road safe', 'Elara'],
    ['Is the road safe, Elara?', 'Elara'],
    ["What's in Elara's bag?", 'Elara'],
    ['Serafine, sing for us', 'Seraphine'],
    ['Seraphina, sing for us', 'Seraphine'],
    ['Oren, open the gate', 'Orin'],
    ['Myra, where is the key?', 'Mira'],
    ['Captain Vecks, the ship is ready', 'Captain Vex'],
    ['Vex, the ship is ready', 'Captain Vex'],
    ['Brother Aldrich, bless us', 'Brother Aldric'],
    ['I ask the old dwarf about the mine', 'Grimjaw'],
    ['Hey innkeeper, another ale', 'Bess'],
  ])('hears %j as %s', (text, name) => {
    expect(heardAs(text)).toEqual([name]);
  });

  it('scores a split name below a whole one, and both at or above the threshold', () => {
    const [split] = find('grim jaw');
    const [whole] = find('grimjaw');
    expect(whole?.score).toBe(1);
    expect(split?.score).toBeLessThan(1);
    expect(split?.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    expect(split).toMatchObject({ start: 0, end: 2 });
  });

  it('finds every NPC named, in order, each run of words counting once', () => {
    expect(heardAs('Thorne told Mira that Elara and Grimjaw left')).toEqual(['Thorne', 'Mira', 'Elara', 'Grimjaw']);
  });

  it('does not join words across punctuation', () => {
    expect(heardAs('It was grim. Jaw clenched, he left.')).toEqual([]);
  });

  it('hears nobody in ordinary table talk', () => {
    const woken = TABLE_TALK.map((line) => ({ line, heard: heardAs(line) })).filter(({ heard }) => heard.length > 0);
    expect(woken).toEqual([]);
  });

  it('needs short names said nearly exactly', () => {
    const short = createNameMatcher([{ key: 'Tom', names: ['Tom'] }, { key: 'Kael', names: ['Kael'] }]);
    const keys = (text: string) => short.find(splitWords(text), text).map((m) => m.key);
    expect(keys('Tom, come here')).toEqual(['Tom']);
    expect(keys('what time is it')).toEqual([]);
    expect(keys('the team is ready')).toEqual([]);
    expect(keys('kale salad and a kill count')).toEqual([]);
  });

  it('hears none of a thousand names in table talk, and the one that is said', () => {
    const many = createNameMatcher(Array.from({ length: 1000 }, (_, i) => ({ key: i, names: [`Placename${i} Keep`, `Lord Person${i}`] })));
    const text = TABLE_TALK.join(' ');
    expect(many.find(splitWords(text), text)).toEqual([]);
    const asked = 'Lord Person417, where is the keep?';
    expect(many.find(splitWords(asked), asked).map((mention) => mention.key)).toEqual([417]);
  });
});
