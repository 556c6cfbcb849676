import { SPEECH_SAMPLE_RATE } from './format.ts';

/**
 * How the voice moved at the end of an utterance, in semitones: the pitch of its last
 * voiced stretch against the stretch before it. Statements fall into their end;
 * a voice that rises into a pause (outside a question) usually has more to say.
 * Autocorrelation per 40 ms frame at 8 kHz (voice pitch needs no more), voiced frames only
 * (80-400 Hz, clear periodicity), read from the end back until enough are found: it runs
 * on the event loop at every pause, so it must cost well under a millisecond.
 */

/** Every second 16 kHz sample (averaged in pairs): 8 kHz. */
const RATE = SPEECH_SAMPLE_RATE / 2;
const FRAME = (RATE * 40) / 1000;
const MIN_LAG = Math.floor(RATE / 400);
const MAX_LAG = Math.ceil(RATE / 80);
/** Normalized autocorrelation a frame needs to count as voiced. */
const VOICED = 0.5;
/** Quieter frames are breath or room, not voice. */
const MIN_RMS = 300;
/** Voiced frames compared: the last ones against those just before them. */
const TAIL_FRAMES = 3;

/** Undefined when too little of the end was voiced to tell. `samples`: 16 kHz mono, ending at (or just after) the speech. */
export function pitchRise(samples: Int16Array, lookbackMs = 800): number | undefined {
  const count = Math.min(samples.length >> 1, (RATE * lookbackMs) / 1000);
  const start = samples.length - 2 * count;
  const low = new Float32Array(count);
  for (let i = 0; i < count; i++) low[i] = (samples[start + 2 * i]! + samples[start + 2 * i + 1]!) / 2;
  // Newest first.
  const pitches: number[] = [];
  for (let at = count - FRAME - MAX_LAG; at >= 0 && pitches.length < 2 * TAIL_FRAMES; at -= FRAME) {
    const f0 = framePitch(low, at);
    if (f0 !== undefined) pitches.push(f0);
  }
  if (pitches.length < 2 * TAIL_FRAMES) return undefined;
  const tail = median(pitches.slice(0, TAIL_FRAMES));
  const before = median(pitches.slice(TAIL_FRAMES));
  return 12 * Math.log2(tail / before);
}

function framePitch(samples: Float32Array, at: number): number | undefined {
  let energy = 0;
  for (let i = at; i < at + FRAME; i++) energy += samples[i]! * samples[i]!;
  if (Math.sqrt(energy / FRAME) < MIN_RMS) return undefined;
  let bestLag = 0;
  let best = 0;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
    let cross = 0;
    let shifted = 0;
    for (let i = at; i < at + FRAME; i++) {
      cross += samples[i]! * samples[i + lag]!;
      shifted += samples[i + lag]! * samples[i + lag]!;
    }
    const score = cross / Math.sqrt(energy * shifted || 1);
    if (score > best) {
      best = score;
      bestLag = lag;
    }
  }
  return best >= VOICED ? RATE / bestLag : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
