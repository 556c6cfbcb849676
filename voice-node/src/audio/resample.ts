import { OPUS_CHANNELS, OPUS_SAMPLE_RATE } from './format.ts';

/**
 * Streaming sample-rate conversion: a polyphase windowed-sinc filter at the exact
 * rational ratio of the two rates (22050 -> 48000 is 320/147), so every rate pair gets
 * the same filter quality and output lengths never drift. The low-pass sits at 0.45x
 * the lower rate's sample rate (passband to 0.4x, >= 80 dB down from 0.5x), which is the
 * anti-alias filter going down and the anti-image filter going up. State carries across
 * chunks, so chunked output is bit-identical to converting the whole signal at once.
 *
 * Delay: half the filter, 28 samples at the lower rate (1.75 ms at 16 kHz, 1.3 ms at
 * 22.05 kHz). Output for input near the end of a chunk waits for the next chunk or for
 * `flush()`.
 */

export interface Resampler {
  /** Converts the next chunk of the stream. */
  push(pcm: Int16Array): Int16Array;
  /** The stream ended: the rest of the output (total = ceil(input * outRate / inRate)); then starts afresh. */
  flush(): Int16Array;
}

/** Mono at any rate (TTS output: 22050 espeak, 24000 vendors, ...) to 48 kHz stereo (the mixer). */
export function createOutputUpsampler(inputRate: number): Resampler {
  return createResampler({ inputRate, inputChannels: 1, outputRate: OPUS_SAMPLE_RATE, outputChannels: OPUS_CHANNELS });
}

export interface ResamplerOptions {
  inputRate: number;
  outputRate: number;
  /** 1 or 2; stereo input is downmixed to mono before conversion. */
  inputChannels: 1 | 2;
  /** 1 or 2; stereo output duplicates the mono signal. */
  outputChannels: 1 | 2;
}

export function createResampler(options: ResamplerOptions): Resampler {
  const { inputRate, outputRate, inputChannels, outputChannels } = options;
  if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) {
    throw new RangeError(`sample rates must be positive integers (${inputRate} -> ${outputRate})`);
  }
  const convert = inputRate === outputRate ? undefined : createMonoConverter(inputRate, outputRate);
  return {
    push(pcm) {
      if (pcm.length % inputChannels !== 0) throw new RangeError('stereo input needs whole sample pairs');
      const mono = toMonoFloat(pcm, inputChannels);
      return fromMonoFloat(convert ? convert.push(mono) : mono, outputChannels);
    },
    flush() {
      return fromMonoFloat(convert ? convert.flush() : new Float32Array(0), outputChannels);
    },
  };
}

/** Taps spanned at the lower of the two rates, and the Kaiser window's shape: ~80 dB stopband. */
const SPAN_AT_LOWER_RATE = 56;
const KAISER_BETA = 8;
/** Cutoff as a fraction of the lower rate's Nyquist frequency. */
const CUTOFF = 0.9;

interface FilterBank {
  /** Interpolation and decimation factors: output = input * up / down. */
  up: number;
  down: number;
  /** Taps per phase (even). */
  taps: number;
  /** `up` phases of `taps` coefficients each, phase-major. */
  coefficients: Float32Array;
}

interface MonoConverter {
  push(input: Float32Array): Float32Array;
  flush(): Float32Array;
}

function createMonoConverter(inputRate: number, outputRate: number): MonoConverter {
  const bank = filterBank(inputRate, outputRate);
  const { up, down, taps, coefficients } = bank;
  const half = taps / 2;
  // Input kept from absolute index `start`; primed with the zeros before the stream began.
  let buffer = new Float32Array(half - 1);
  let start = -(half - 1);
  // The next output sits at input position `index + phase / up`.
  let index = 0;
  let phase = 0;
  let consumed = 0;
  let produced = 0;

  const reset = () => {
    buffer = new Float32Array(half - 1);
    start = -(half - 1);
    index = 0;
    phase = 0;
    consumed = 0;
    produced = 0;
  };

  /** Produces outputs while the filter's input window is available, up to `limit` outputs in total. */
  const run = (limit: number): Float32Array => {
    const end = start + buffer.length;
    const out = new Float32Array(Math.max(0, Math.ceil(((end - index) * up) / down) + 1));
    let count = 0;
    // Output needs input up to index + half.
    while (index + half < end && produced + count < limit) {
      const base = index - half + 1 - start;
      const row = phase * taps;
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += (buffer[base + k] as number) * (coefficients[row + k] as number);
      out[count++] = sum;
      phase += down;
      index += Math.floor(phase / up);
      phase %= up;
    }
    produced += count;
    // Keep only what later outputs can still reach.
    const keepFrom = Math.min(index - half + 1, end) - start;
    if (keepFrom > 0) {
      buffer = buffer.slice(keepFrom);
      start += keepFrom;
    }
    return out.subarray(0, count);
  };

  const append = (input: Float32Array) => {
    const grown = new Float32Array(buffer.length + input.length);
    grown.set(buffer);
    grown.set(input, buffer.length);
    buffer = grown;
  };

  return {
    push(input) {
      append(input);
      consumed += input.length;
      return run(Number.POSITIVE_INFINITY);
    },
    flush() {
      append(new Float32Array(half));
      const out = run(Math.ceil((consumed * up) / down));
      reset();
      return out;
    },
  };
}

const banks = new Map<string, FilterBank>();

function filterBank(inputRate: number, outputRate: number): FilterBank {
  const key = `${inputRate}:${outputRate}`;
  const cached = banks.get(key);
  if (cached) return cached;
  const divisor = gcd(inputRate, outputRate);
  const up = outputRate / divisor;
  const down = inputRate / divisor;
  const lowerRatio = Math.min(1, outputRate / inputRate);
  const taps = 2 * Math.ceil((SPAN_AT_LOWER_RATE / lowerRatio) / 2);
  const half = taps / 2;
  // Sinc cutoff in cycles per input sample, doubled (sinc's argument scale).
  const cutoff = CUTOFF * lowerRatio;
  const coefficients = new Float32Array(up * taps);
  const windowNorm = besselI0(KAISER_BETA);
  for (let phase = 0; phase < up; phase++) {
    const row = phase * taps;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      // Distance, in input samples, from the output's position to input tap k.
      const distance = phase / up + half - 1 - k;
      const x = distance / half;
      const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - x * x))) / windowNorm;
      const value = cutoff * sinc(cutoff * distance) * window;
      coefficients[row + k] = value;
      sum += value;
    }
    // Unity gain at DC in every phase: no phase-dependent ripple at non-integer ratios.
    for (let k = 0; k < taps; k++) coefficients[row + k] = (coefficients[row + k] as number) / sum;
  }
  const bank = { up, down, taps, coefficients };
  banks.set(key, bank);
  return bank;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const a = Math.PI * x;
  return Math.sin(a) / a;
}

/** Modified Bessel function of the first kind, order 0 (the Kaiser window), by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; term > sum * 1e-12; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function toMonoFloat(pcm: Int16Array, channels: 1 | 2): Float32Array {
  const out = new Float32Array(pcm.length / channels);
  if (channels === 1) {
    for (let i = 0; i < out.length; i++) out[i] = (pcm[i] as number) / 32768;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = ((pcm[2 * i] as number) + (pcm[2 * i + 1] as number)) / 65536;
  }
  return out;
}

function fromMonoFloat(mono: Float32Array, channels: 1 | 2): Int16Array {
  const out = new Int16Array(mono.length * channels);
  for (let i = 0; i < mono.length; i++) {
    const value = Math.max(-32768, Math.min(32767, Math.round((mono[i] as number) * 32768)));
    out[i * channels] = value;
    if (channels === 2) out[i * 2 + 1] = value;
  }
  return out;
}
