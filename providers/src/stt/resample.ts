/**
 * 16 kHz to 24 kHz (OpenAI's realtime input rate), streamed: output sample k sits at
 * input position 2k/3 and is interpolated linearly between its two neighbours. Speech
 * at 16 kHz has nothing above 8 kHz, so the images linear interpolation leaves sit
 * where a recognizer does not listen.
 */
export function upsample16To24() {
  let previous = 0;
  /** Output samples made, and input samples seen, so far. */
  let made = 0;
  let seen = 0;
  return (samples: Int16Array): Int16Array => {
    const out = new Int16Array(Math.ceil(((seen + samples.length) * 3) / 2) - made);
    let written = 0;
    for (let i = 0; i < samples.length; i++, seen++) {
      const current = samples[i]!;
      // Output positions in (seen - 1, seen], in thirds of an input sample.
      while (2 * made <= 3 * seen) {
        const frac = seen === 0 ? 1 : (2 * made - 3 * (seen - 1)) / 3;
        out[written++] = Math.round(previous + (current - previous) * frac);
        made++;
      }
      previous = current;
    }
    return out.subarray(0, written);
  };
}
