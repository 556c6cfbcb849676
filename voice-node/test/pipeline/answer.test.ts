import { describe, expect, it } from 'vitest';
import { Answer } from '../../src/pipeline/answer.ts';
import { npc } from './npc-fixtures.ts';

const settled = async (promise: Promise<void>, ms: number) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done;
};

describe('an answer held for the player to finish', () => {
  it('plays only once the silence of its hold has been heard, however far the VAD lags the clock', async () => {
    // The VAD has heard the player up to `heard`; it stands still as if its worker were starved.
    let heard = performance.now();
    const answer = new Answer(npc('Grimjaw'), 'Grimjaw, what do you sell?', true, () => heard);
    const holdUntil = heard + 30;
    answer.holdTill(holdUntil);
    answer.confirm();
    // Well past the hold by the clock, but not as heard: the player may yet be heard going on.
    expect(await settled(answer.release, 120)).toBe(false);
    heard = holdUntil;
    expect(await settled(answer.release, 120)).toBe(true);
  });
});
