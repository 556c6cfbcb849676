import { describe, expect, it } from 'vitest';
import { assessTurn, MAX_HOLD_MS, MIN_HOLD_MS, PREPARE_CONFIDENCE, sameWords } from '../../src/pipeline/turn-completion.ts';

/** Whether a player has finished, as a table: what they said so far and how sure we should be. */
describe('turn completion', () => {
  it.each([
    // Finished: a question or a sentence with its closing mark.
    ['Grimjaw, what do you sell?', 'done'],
    ['Elara, tell me about the tower.', 'done'],
    ['Everyone stop!', 'done'],
    ['Elara, can you read this map for me?', 'done'],
    ['What are you looking at?', 'done'],
    // Words that promise more.
    ['Grimjaw, I want to', 'unfinished'],
    ['Elara, tell me about the', 'unfinished'],
    ['how much for the sword and', 'unfinished'],
    ['Elara, can you', 'unfinished'],
    ['Grimjaw, give me', 'unfinished'],
    ['my friend here would like', 'unfinished'],
    ['the old king, um', 'unfinished'],
    ['Grimjaw,', 'unfinished'],
    ['so we went to the inn, and then…', 'unfinished'],
    // No closing mark from a punctuating STT: probably still going.
    ['Grimjaw is this axe', 'unsure'],
    ['Elara if we find the key', 'unsure'],
  ] as const)('%s -> %s', (text, expected) => {
    const { confidence, holdMs } = assessTurn({ text });
    if (expected === 'done') expect(confidence).toBeGreaterThanOrEqual(0.8);
    if (expected === 'unfinished') expect(confidence).toBeLessThanOrEqual(0.2);
    if (expected === 'unsure') expect(confidence).toBeLessThan(PREPARE_CONFIDENCE);
    expect(holdMs).toBeGreaterThanOrEqual(MIN_HOLD_MS);
    expect(holdMs).toBeLessThanOrEqual(MAX_HOLD_MS);
  });

  it('holds a finished turn briefly and an unfinished one past the longest mid-sentence pause', () => {
    expect(assessTurn({ text: 'Grimjaw, what do you sell?' }).holdMs).toBeLessThan(400);
    expect(assessTurn({ text: 'Grimjaw, I want to' }).holdMs).toBeGreaterThan(900);
    expect(assessTurn({ text: '' }).holdMs).toBe(MAX_HOLD_MS);
  });

  it('waits longer for a statement whose voice rose into the pause, not for a question', () => {
    const flat = assessTurn({ text: 'I need a sword.' });
    expect(assessTurn({ text: 'I need a sword.', pitchRise: 3 }).holdMs).toBeGreaterThan(flat.holdMs);
    expect(assessTurn({ text: 'I need a sword.', pitchRise: -3 }).holdMs).toBeLessThanOrEqual(flat.holdMs);
    expect(assessTurn({ text: 'Is it sharp?', pitchRise: 3 }).confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('compares transcripts by the words that matter', () => {
    expect(sameWords('Grimjaw, what do you sell?', 'grimjaw what do you sell')).toBe(true);
    expect(sameWords('Um, Grimjaw, what do you sell?', 'Grimjaw, what do you sell?')).toBe(true);
    expect(sameWords('Grimjaw, what do you smell?', 'Grimjaw, what do you sell?')).toBe(false);
    expect(sameWords('Grimjaw, what do you sell?', 'Grimjaw, what do you sell for gold?')).toBe(false);
  });
});
