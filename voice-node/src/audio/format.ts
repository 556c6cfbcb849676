/**
 * The audio formats the pipeline speaks. Discord carries Opus at 48 kHz stereo in
 * 20 ms frames; speech models want 16 kHz mono. PCM is signed 16-bit little-endian
 * everywhere, held in Int16Array (interleaved when stereo).
 */

/** Discord's Opus format: what transports carry in both directions. */
export const OPUS_SAMPLE_RATE = 48_000;
export const OPUS_CHANNELS = 2;
export const FRAME_MS = 20;
/** Samples per channel in one 20 ms frame at 48 kHz. */
export const FRAME_SAMPLES = (OPUS_SAMPLE_RATE * FRAME_MS) / 1000;

/** What VAD and STT receive. */
export const SPEECH_SAMPLE_RATE = 16_000;
