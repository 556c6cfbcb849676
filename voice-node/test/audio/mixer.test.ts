import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMixer, PADDING_FRAMES, type MixerEvent, type MixerSink } from '../../src/audio/mixer.ts';
import { createOpusDecoder, FRAME_LENGTH, SILENCE_FRAME, type OpusEncoder } from '../../src/audio/opus.ts';

/** What the mixer did, in order: frames carry the PCM the (fake) encoder was given. */
type Call =
  | { kind: 'frame'; at: number; pcm: Int16Array }
  | { kind: 'silence'; at: number }
  | { kind: 'speaking'; speaking: boolean }
  | { kind: 'npc'; npc: string; speaking: boolean };

function harness() {
  const calls: Call[] = [];
  const events: MixerEvent[] = [];
  const encoded = new Map<Uint8Array, Int16Array>();
  const encoder: OpusEncoder = {
    encode(pcm) {
      const packet = new Uint8Array(8);
      encoded.set(packet, pcm.slice());
      return packet;
    },
    close: vi.fn(),
  };
  const sink: MixerSink = {
    send(opus) {
      const pcm = encoded.get(opus);
      calls.push(pcm ? { kind: 'frame', at: performance.now(), pcm } : { kind: 'silence', at: performance.now() });
      if (!pcm) expect(opus).toEqual(SILENCE_FRAME);
    },
    setSpeaking: (speaking) => calls.push({ kind: 'speaking', speaking }),
    npcSpeaking: (npc, speaking) => calls.push({ kind: 'npc', npc, speaking }),
  };
  const mixer = createMixer(sink, encoder);
  mixer.onEvent((event) => events.push(event));
  const frames = () => calls.filter((call) => call.kind === 'frame' || call.kind === 'silence');
  return { mixer, calls, events, encoder, frames };
}

/** `frames` 20 ms frames of a constant value (distinct per NPC, so the mix is readable). */
const constant = (value: number, frames: number) => new Int16Array(FRAME_LENGTH * frames).fill(value);
const level = (call: Call | undefined) => (call?.kind === 'frame' ? call.pcm[0] : call?.kind);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('mixer', () => {
  it('sends one frame every 20 ms, then five silence frames, speaking flag around them', () => {
    const { mixer, calls, frames } = harness();
    const utterance = mixer.play('Grimjaw');
    utterance.write(constant(100, 10));
    utterance.end();
    vi.advanceTimersByTime(1000);
    const sent = frames();
    expect(sent.map(level)).toEqual([...Array<number>(10).fill(100), ...Array<string>(PADDING_FRAMES).fill('silence')]);
    const times = sent.map((call) => ('at' in call ? call.at : NaN));
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual(Array(14).fill(20));
    expect(calls[0]).toEqual({ kind: 'speaking', speaking: true });
    expect(calls.at(-1)).toEqual({ kind: 'speaking', speaking: false });
    expect(mixer.stats()).toMatchObject({ framesSent: 15, framesLate: 0, underruns: 0 });
  });

  it('plays NPCs in turn: the second waits for the first, even when its audio came first', () => {
    const { mixer, calls, events, frames } = harness();
    const grimjaw = mixer.play('Grimjaw');
    const elara = mixer.play('Elara');
    elara.write(constant(200, 3));
    elara.end();
    vi.advanceTimersByTime(100);
    expect(frames()).toEqual([]);
    grimjaw.write(constant(100, 2));
    grimjaw.write(new Int16Array(FRAME_LENGTH / 2).fill(100));
    grimjaw.end();
    vi.advanceTimersByTime(1000);
    // Grimjaw's half frame is padded with zeros, never topped up with Elara's audio.
    const sent = frames();
    expect(sent.slice(0, 6).map(level)).toEqual([100, 100, 100, 200, 200, 200]);
    const lastOfGrimjaw = sent[2];
    expect(lastOfGrimjaw?.kind === 'frame' && lastOfGrimjaw.pcm[FRAME_LENGTH - 1]).toBe(0);
    expect(events.map((event) => `${event.type} ${event.npc}`)).toEqual([
      'npc-start Grimjaw',
      'npc-end Grimjaw',
      'npc-start Elara',
      'npc-end Elara',
    ]);
    expect(calls.filter((call) => call.kind === 'npc')).toEqual([
      { kind: 'npc', npc: 'Grimjaw', speaking: true },
      { kind: 'npc', npc: 'Grimjaw', speaking: false },
      { kind: 'npc', npc: 'Elara', speaking: true },
      { kind: 'npc', npc: 'Elara', speaking: false },
    ]);
    // One burst: the flag goes up once and down once.
    expect(calls.filter((call) => call.kind === 'speaking')).toHaveLength(2);
  });

  it('mixes an overlapping utterance in, saturating instead of wrapping', () => {
    const { mixer, frames } = harness();
    const a = mixer.play('Grimjaw');
    a.write(constant(30_000, 4));
    a.end();
    vi.advanceTimersByTime(30);
    const b = mixer.play('Elara', { overlap: true });
    b.write(constant(-31_000, 1));
    b.write(constant(20_000, 1));
    b.end();
    vi.advanceTimersByTime(200);
    expect(frames().slice(0, 4).map(level)).toEqual([30_000, 30_000, -1000, 32_767]);
  });

  it('stop(npc) cuts that NPC on the next frame and lets the others play', () => {
    const { mixer, events, frames } = harness();
    const grimjaw = mixer.play('Grimjaw');
    const elara = mixer.play('Elara');
    grimjaw.write(constant(100, 50));
    elara.write(constant(200, 2));
    elara.end();
    vi.advanceTimersByTime(50);
    const before = frames().length;
    mixer.stop('Grimjaw');
    expect(grimjaw.stopped).toBe(true);
    grimjaw.write(constant(100, 5));
    vi.advanceTimersByTime(500);
    expect(frames().slice(before).map(level)).toEqual([200, 200, ...Array<string>(PADDING_FRAMES).fill('silence')]);
    expect(events.filter((event) => event.type === 'npc-end').map((event) => [event.npc, event.type === 'npc-end' && event.reason])).toEqual([
      ['Grimjaw', 'stopped'],
      ['Elara', 'finished'],
    ]);
  });

  it('stop() cuts everyone, queued utterances included, and pads the end', () => {
    const { mixer, events, frames, calls } = harness();
    mixer.play('Grimjaw').write(constant(100, 50));
    mixer.play('Elara').write(constant(200, 5));
    vi.advanceTimersByTime(40);
    const before = frames().length;
    mixer.stop();
    vi.advanceTimersByTime(500);
    expect(frames().slice(before).map(level)).toEqual(Array(PADDING_FRAMES).fill('silence'));
    expect(events.filter((event) => event.type === 'npc-end')).toHaveLength(2);
    expect(calls.at(-1)).toEqual({ kind: 'speaking', speaking: false });
  });

  it('covers a TTS underrun with silence frames and counts it', () => {
    const { mixer, frames } = harness();
    const utterance = mixer.play('Grimjaw');
    utterance.write(constant(100, 2));
    vi.advanceTimersByTime(100);
    utterance.write(constant(100, 1));
    utterance.end();
    vi.advanceTimersByTime(500);
    const levels = frames().map(level);
    expect(levels.slice(0, 2)).toEqual([100, 100]);
    expect(levels.filter((value) => value === 0).length).toBe(mixer.stats().underruns);
    expect(mixer.stats().underruns).toBeGreaterThanOrEqual(3);
    expect(levels.filter((value) => value === 100)).toHaveLength(3);
  });

  it('finishes an utterance that never got audio without sending anything', () => {
    const { mixer, events, calls } = harness();
    mixer.play('Grimjaw').end();
    vi.advanceTimersByTime(200);
    expect(calls).toEqual([]);
    expect(events).toMatchObject([{ type: 'npc-end', npc: 'Grimjaw', reason: 'finished' }]);
  });

  it('stamps npc-start with the time its first frame went out', () => {
    const { mixer, events, frames } = harness();
    vi.advanceTimersByTime(1234);
    const utterance = mixer.play('Grimjaw');
    utterance.write(constant(100, 1));
    utterance.end();
    vi.advanceTimersByTime(200);
    const first = frames()[0];
    expect(events[0]).toMatchObject({ type: 'npc-start', sentAt: first && 'at' in first ? first.at : NaN });
  });

  it('onEvent returns its unsubscribe', () => {
    const { mixer } = harness();
    const seen: string[] = [];
    const off = mixer.onEvent((event) => seen.push(event.type));
    mixer.play('Grimjaw').end();
    vi.advanceTimersByTime(40);
    off();
    mixer.play('Elara').end();
    vi.advanceTimersByTime(40);
    expect(seen).toEqual(['npc-end']);
  });

  it('close() stops everything, drops the flag and frees the encoder', () => {
    const { mixer, events, calls, encoder } = harness();
    mixer.play('Grimjaw').write(constant(100, 50));
    vi.advanceTimersByTime(40);
    mixer.close();
    mixer.close();
    const count = calls.length;
    vi.advanceTimersByTime(200);
    expect(calls.length).toBe(count);
    expect(calls.at(-1)).toEqual({ kind: 'speaking', speaking: false });
    expect(events.at(-1)).toMatchObject({ type: 'npc-end', reason: 'stopped' });
    expect(encoder.close).toHaveBeenCalledOnce();
  });
});

describe('mixer on real timers and a real encoder', () => {
  it('reports frames sent late when the event loop stalls', async () => {
    vi.useRealTimers();
    const sent: Uint8Array[] = [];
    // Done when the speaking flag drops after the padding: a loaded machine may take longer than the audio lasts.
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const mixer = createMixer({ send: (opus) => sent.push(opus), setSpeaking: (speaking) => speaking || finished(), npcSpeaking: () => {} });
    let stalled = false;
    mixer.onEvent(() => {
      if (stalled) return;
      stalled = true;
      // 45 ms: the next two frames fall due inside it, and a loaded machine stretching the stall by
      // up to 35 ms still leaves it under the clock's 60 ms re-anchoring (which would hide the lateness).
      const until = performance.now() + 45;
      while (performance.now() < until);
    });
    const utterance = mixer.play('Grimjaw');
    utterance.write(constant(1000, 10));
    utterance.end();
    await done;
    expect(sent).toHaveLength(10 + PADDING_FRAMES);
    expect(mixer.stats().framesLate).toBeGreaterThanOrEqual(1);
    expect(mixer.stats().maxLateMs).toBeGreaterThanOrEqual(20);
    // Real Opus frames that decode to 20 ms each.
    const decoder = createOpusDecoder();
    expect(sent.every((packet) => decoder.decode(packet)?.length === FRAME_LENGTH)).toBe(true);
    decoder.close();
    mixer.close();
  });
});
