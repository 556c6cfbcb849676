import { FRAME_SAMPLES, OPUS_CHANNELS, OPUS_SAMPLE_RATE, SPEECH_SAMPLE_RATE } from './format.ts';
import {
  createOpusHandle,
  MAX_PACKET_BYTES,
  OPUS_APPLICATION_AUDIO,
  OPUS_APPLICATION_VOIP,
  OPUS_SET_BITRATE,
  type OpusHandle,
} from './opusscript-wasm.ts';

/**
 * Opus at Discord's format (48 kHz stereo, 20 ms frames). The encoder takes exactly one
 * frame of interleaved PCM; the decoder takes one packet from one speaker's stream
 * (decoders carry state between packets, so never share one across speakers).
 */

/** The frame Discord expects five of after speech; decodes to 20 ms of silence. */
export const SILENCE_FRAME: Uint8Array = Uint8Array.of(0xf8, 0xff, 0xfe);

/** Interleaved samples in one 20 ms stereo frame. */
export const FRAME_LENGTH = FRAME_SAMPLES * OPUS_CHANNELS;

export interface OpusEncoder {
  /** One 20 ms frame of interleaved 48 kHz stereo PCM (FRAME_LENGTH samples) to one packet. */
  encode(pcm: Int16Array): Uint8Array;
  close(): void;
}

export interface OpusEncoderOptions {
  /** Bits per second; Discord voice channels default to 64 kbps. */
  bitrate?: number;
}

export function createOpusEncoder(options: OpusEncoderOptions = {}): OpusEncoder {
  // AUDIO, not VOIP: NPC voices are synthesized and the listener hears them as-is.
  let handle: OpusHandle | undefined = createOpusHandle(OPUS_SAMPLE_RATE, OPUS_CHANNELS, OPUS_APPLICATION_AUDIO);
  handle.encoderCtl(OPUS_SET_BITRATE, options.bitrate ?? 64_000);
  return {
    encode(pcm) {
      if (!handle) throw new Error('Opus encoder is closed');
      if (pcm.length !== FRAME_LENGTH) throw new RangeError(`expected ${FRAME_LENGTH} samples, got ${pcm.length}`);
      const packet = handle.encode(pcm, FRAME_SAMPLES);
      if (typeof packet === 'number') throw new Error(`Opus encode failed (${packet})`);
      return packet;
    },
    close() {
      handle?.free();
      handle = undefined;
    },
  };
}

export interface OpusDecoder {
  /** Interleaved PCM in the decoder's format, or undefined for a packet that is dropped (empty, corrupt, too long). */
  decode(packet: Uint8Array): Int16Array | undefined;
  /** Packets dropped so far. */
  readonly dropped: number;
  close(): void;
}

/** What a decoder puts out; libopus decodes any stream to any of these directly. */
export interface DecodedFormat {
  sampleRate: 8000 | 12_000 | 16_000 | 24_000 | 48_000;
  channels: 1 | 2;
}

export const DISCORD_FORMAT: DecodedFormat = { sampleRate: OPUS_SAMPLE_RATE, channels: OPUS_CHANNELS };
/**
 * What VAD and STT take. Decoding straight to it is libopus's own band-limited synthesis
 * (a mono downmix, at a third of the rate), so no 48 kHz stereo PCM is made only to be
 * filtered down again: the costliest step of listening, on the event loop, gone.
 */
export const SPEECH_FORMAT: DecodedFormat = { sampleRate: SPEECH_SAMPLE_RATE, channels: 1 };

export function createOpusDecoder(format: DecodedFormat = DISCORD_FORMAT): OpusDecoder {
  let handle: OpusHandle | undefined = createOpusHandle(format.sampleRate, format.channels, OPUS_APPLICATION_VOIP);
  let dropped = 0;
  return {
    decode(packet) {
      // An empty packet would make libopus conceal a loss of up to 120 ms: not what a sender meant.
      if (!handle || packet.byteLength === 0 || packet.byteLength > MAX_PACKET_BYTES) {
        dropped += 1;
        return undefined;
      }
      try {
        const pcm = handle.decode(packet);
        if (typeof pcm !== 'number') return pcm;
      } catch {
        // A trap inside libopus: the packet is lost, the stream goes on.
      }
      dropped += 1;
      return undefined;
    },
    get dropped() {
      return dropped;
    },
    close() {
      handle?.free();
      handle = undefined;
    },
  };
}
