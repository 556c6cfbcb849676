import type { AudioTransport } from '../transport/audio-transport.ts';
import { createFrameClock, type FrameTick } from './frame-clock.ts';
import { createOpusEncoder, FRAME_LENGTH, SILENCE_FRAME, type OpusEncoder } from './opus.ts';
import { createSampleQueue, type SampleQueue } from './sample-queue.ts';

/**
 * Turns NPC speech (48 kHz stereo PCM, as TTS streams it in after resampling) into
 * exactly one Opus frame per 20 ms on the transport while anything is playing.
 * Utterances play in turn, in the order `play` was called; one marked `overlap` starts
 * as soon as it has audio and is summed with whatever plays (saturating, never wrapping).
 * An utterance starts once it holds a whole frame, so a slow TTS start costs nothing
 * but its own delay; a started one that runs dry is covered with silence (an underrun).
 * After the last audio, PADDING_FRAMES silence frames go out (Discord interpolates
 * across gaps without them), then the speaking flag drops and the clock stops.
 */

export type MixerSink = Pick<AudioTransport, 'send' | 'setSpeaking' | 'npcSpeaking'>;

export interface Utterance {
  readonly id: number;
  readonly npc: string;
  /** Interleaved 48 kHz stereo PCM; ignored once stopped. */
  write(pcm: Int16Array): void;
  /** No more audio: plays out what it has, then finishes. */
  end(): void;
  readonly stopped: boolean;
}

export type MixerEvent =
  /** The utterance's first frame went out at `sentAt` (performance.now()): mouth-to-ear ends here. */
  | { type: 'npc-start'; npc: string; utterance: number; sentAt: number }
  /** It left the mixer: played out, or stopped (by stop(), or close()) whether or not it had started. */
  | { type: 'npc-end'; npc: string; utterance: number; reason: 'finished' | 'stopped'; at: number };

export interface MixerStats {
  framesSent: number;
  /** Frames sent more than LATE_FRAME_MS behind their schedule. */
  framesLate: number;
  maxLateMs: number;
  /** Frames where a started utterance had no audio ready (TTS slower than real time). */
  underruns: number;
}

export interface Mixer {
  play(npc: string, options?: { overlap?: boolean }): Utterance;
  /** Cuts the NPC's utterances (all NPCs' without `npc`), playing and queued: the next frame is without them. */
  stop(npc?: string): void;
  /** Returns the unsubscribe: turns listen for their own utterance and must not pile up. */
  onEvent(listener: (event: MixerEvent) => void): () => void;
  stats(): MixerStats;
  /** Stops everything and frees the encoder. */
  close(): void;
}

export const PADDING_FRAMES = 5;
export const LATE_FRAME_MS = 5;

interface Playing {
  id: number;
  npc: string;
  overlap: boolean;
  queue: SampleQueue;
  started: boolean;
  ended: boolean;
  stopped: boolean;
}

export function createMixer(sink: MixerSink, encoder: OpusEncoder = createOpusEncoder()): Mixer {
  const listeners = new Set<(event: MixerEvent) => void>();
  const stats: MixerStats = { framesSent: 0, framesLate: 0, maxLateMs: 0, underruns: 0 };
  /** In play() order; finished and stopped ones leave at once. */
  let playing: Playing[] = [];
  let nextId = 1;
  let speaking = false;
  let paddingLeft = 0;
  let closed = false;

  const emit = (event: MixerEvent) => {
    for (const listener of listeners) listener(event);
  };

  const finish = (item: Playing, reason: 'finished' | 'stopped') => {
    // A listener may already have stopped it during this tick.
    if (!playing.includes(item)) return;
    playing = playing.filter((other) => other !== item);
    if (item.started) sink.npcSpeaking(item.npc, false);
    emit({ type: 'npc-end', npc: item.npc, utterance: item.id, reason, at: performance.now() });
  };

  const hasFrame = (item: Playing) => item.queue.length >= FRAME_LENGTH || (item.ended && item.queue.length > 0);

  /** What may play now: overlapping utterances, and the first in-turn one. */
  const eligible = () => {
    const first = playing.find((item) => !item.overlap);
    return playing.filter((item) => item.overlap || item === first);
  };

  const send = (opus: Uint8Array, tick: FrameTick) => {
    sink.send(opus);
    stats.framesSent += 1;
    if (tick.lateMs > LATE_FRAME_MS) stats.framesLate += 1;
    stats.maxLateMs = Math.max(stats.maxLateMs, tick.lateMs);
  };

  // One frame's sum and its clipped copy, reused every tick: nothing is allocated per frame but the packet.
  const mix = new Int32Array(FRAME_LENGTH);
  const pcm = new Int16Array(FRAME_LENGTH);
  const starting: Playing[] = [];
  const done: Playing[] = [];

  const tick = (frameTick: FrameTick) => {
    mix.fill(0);
    starting.length = 0;
    done.length = 0;
    let audible = false;
    let starved = false;
    let sequentialTaken = false;
    for (const item of playing) {
      // Only the first unfinished in-turn utterance plays; overlapping ones always may.
      if (!item.overlap && sequentialTaken) continue;
      if (hasFrame(item)) {
        item.queue.addTo(mix, FRAME_LENGTH);
        audible = true;
        if (!item.started) starting.push(item);
        item.started = true;
      } else if (item.started && !item.ended) {
        starved = true;
        stats.underruns += 1;
      }
      const finished = item.ended && item.queue.length === 0;
      if (finished) done.push(item);
      // The next in-turn utterance may use this frame only if this one had nothing left for it.
      if (!item.overlap && (item.started || !finished)) sequentialTaken = true;
    }

    if (audible || starved) {
      if (!speaking) sink.setSpeaking(true);
      speaking = true;
      paddingLeft = PADDING_FRAMES;
      for (const item of starting) sink.npcSpeaking(item.npc, true);
      saturate(mix, pcm);
      send(encoder.encode(pcm), frameTick);
      for (const item of starting) emit({ type: 'npc-start', npc: item.npc, utterance: item.id, sentAt: frameTick.ranAt });
    } else if (speaking && paddingLeft > 0) {
      send(SILENCE_FRAME, frameTick);
      paddingLeft -= 1;
      if (paddingLeft === 0) {
        speaking = false;
        sink.setSpeaking(false);
      }
    }
    for (const item of done) finish(item, 'finished');
    // Idle until a write or end() gives an eligible utterance something to play.
    if (!speaking && !eligible().some((item) => hasFrame(item) || item.ended)) clock.stop();
  };

  const clock = createFrameClock(tick);
  const wake = () => {
    if (!closed && !clock.running) clock.start();
  };

  return {
    play(npc, options = {}) {
      const item: Playing = {
        id: nextId++,
        npc,
        overlap: options.overlap ?? false,
        queue: createSampleQueue(),
        started: false,
        ended: false,
        stopped: false,
      };
      playing.push(item);
      return {
        id: item.id,
        npc,
        write(pcm) {
          if (item.stopped || item.ended) return;
          if (pcm.length % 2 !== 0) throw new RangeError('stereo PCM needs whole sample pairs');
          item.queue.push(pcm);
          if (item.queue.length >= FRAME_LENGTH) wake();
        },
        end() {
          if (item.stopped || item.ended) return;
          item.ended = true;
          wake();
        },
        get stopped() {
          return item.stopped;
        },
      };
    },
    stop(npc) {
      for (const item of playing.filter((candidate) => npc === undefined || candidate.npc === npc)) {
        item.stopped = true;
        finish(item, 'stopped');
      }
    },
    onEvent(listener) {
      // Wrapped, so the same function subscribed twice is two subscriptions.
      const entry = (event: MixerEvent) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    stats: () => ({ ...stats }),
    close() {
      if (closed) return;
      closed = true;
      clock.stop();
      for (const item of [...playing]) {
        item.stopped = true;
        finish(item, 'stopped');
      }
      if (speaking) sink.setSpeaking(false);
      speaking = false;
      encoder.close();
    },
  };
}

/** Sums past full scale clip at the rails instead of wrapping around. */
function saturate(mix: Int32Array, out: Int16Array): void {
  for (let i = 0; i < mix.length; i++) {
    const value = mix[i] as number;
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
}
