import { describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import type { VadEngine } from '../../src/audio/vad/load.ts';
import { createWindowedDetector, type WindowScorer } from '../../src/audio/vad/windowed-detector.ts';
import { listenToSpeakers, type ListenerEvents } from '../../src/pipeline/listener.ts';
import type { AudioTransport, InboundFrame } from '../../src/transport/audio-transport.ts';
import { fixtureOpusFrames } from '../transport/fixture-frames.ts';

/**
 * The listener when the VAD answers late (its worker thread starved on a loaded node):
 * every window is scored here only when the test says, so the lag is exact, not load.
 */

const SPEAKER = '423456789012345678';
const log = createLogger({}, { sink: () => {} });

/** A VAD whose scores wait in `pending` until released; speech is any window above -40 dBFS. */
function laggingVad() {
  const pending: Array<() => void> = [];
  const asked = { windows: 0 };
  const scorer = (): WindowScorer => ({
    score: (window) => {
      asked.windows += 1;
      let sum = 0;
      for (const value of window) sum += value * value;
      const probability = Math.sqrt(sum / window.length) > 0.01 ? 0.9 : 0.05;
      return new Promise<number>((resolve) => pending.push(() => resolve(probability)));
    },
    reset() {},
  });
  const engine: VadEngine = { kind: 'energy', createDetector: (listener, options) => createWindowedDetector(scorer(), listener, options), close: async () => {} };
  /** Answers everything asked so far, and what that lets the detectors ask next, oldest first. */
  const catchUp = async () => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const next = pending.shift();
      if (!next) return;
      next();
    }
  };
  return { engine, asked, catchUp };
}

function fakeTransport() {
  let onAudio: (frame: InboundFrame) => void = () => {};
  let onEnd: (speakerId: string) => void = () => {};
  const transport = {
    onAudio: (listener: typeof onAudio) => (onAudio = listener),
    onSpeakerEnd: (listener: typeof onEnd) => (onEnd = listener),
  } as unknown as AudioTransport;
  return {
    transport,
    send: (frames: Uint8Array[]) => frames.forEach((opus) => onAudio({ speakerId: SPEAKER, speakerName: 'Ana', opus })),
    end: () => onEnd(SPEAKER),
  };
}

function recorder() {
  const events: string[] = [];
  const listener: ListenerEvents = {
    onSpeechStart: () => events.push('start'),
    onSpeechAudio: () => {},
    onSpeechPause: () => {},
    onSpeechResume: () => {},
    onUtterance: () => events.push('end'),
  };
  return { events, listener };
}

const first = fixtureOpusFrames('pauses/grimjaw-want-to-1');
const second = fixtureOpusFrames('pauses/grimjaw-want-to-2');

describe('listening while the VAD lags', () => {
  it('asks for every window as it comes, so a late VAD has the backlog queued instead of falling behind', async () => {
    const vad = laggingVad();
    const audio = fakeTransport();
    const { events, listener } = recorder();
    const listening = listenToSpeakers(audio.transport, vad.engine, listener, log, { hangoverMs: 128 });
    audio.send(first);
    // 20 ms frames, 32 ms windows: every whole window is with the scorer though none is answered.
    expect(vad.asked.windows).toBe(Math.floor((first.length * 20) / 32));
    // Nothing is heard yet: as far as holds go, the speaker's audio is all still to come.
    const sent = performance.now();
    expect(listening.heardThrough(SPEAKER)).toBeLessThanOrEqual(sent - first.length * 20 + 1);
    await vad.catchUp();
    expect(events).toEqual(['start', 'end']);
    expect(listening.heardThrough(SPEAKER)).toBeGreaterThanOrEqual(sent);
    listening.close();
  });

  it("keeps a speaker's utterances in order across the end of their stream, however late the VAD answers", async () => {
    const vad = laggingVad();
    const audio = fakeTransport();
    const { events, listener } = recorder();
    const listening = listenToSpeakers(audio.transport, vad.engine, listener, log, { hangoverMs: 128 });
    // The first part, the stream's end (the transport heard nothing for a while), the second part:
    // all of it in before the VAD has answered for any of it.
    audio.send(first);
    audio.end();
    audio.send(second);
    await vad.catchUp();
    // Each utterance ends before the next starts: the pipeline never has the second begin over the first.
    expect(events).toEqual(['start', 'end', 'start', 'end']);
    audio.end();
    await vad.catchUp();
    listening.close();
  });
});
