import { createRequire } from 'node:module';

/**
 * libopus from opusscript's WebAssembly build, driven directly rather than through
 * opusscript's JS wrapper. The wrapper (0.1.1) indexes its 16-bit heap views with byte
 * pointers, so it reads and writes PCM at twice its buffers' addresses (someone else's
 * memory; out of bounds once the heap passes its midpoint, which ~100 live instances
 * reach), and it caches views that go dead when the wasm memory grows. Here every call
 * takes fresh views of the current heap, and addresses are byte addresses.
 *
 * The native handler keeps PCM one byte per 16-bit slot (it reassembles samples from
 * pairs of slots on encode and splits them on decode); `pushPcm`/`pullPcm` do that.
 */

interface NativeHandler {
  _encode(pcmAddress: number, pcmBytes: number, packetAddress: number, frameSize: number): number;
  _decode(packetAddress: number, packetBytes: number, pcmAddress: number): number;
  _encoder_ctl(ctl: number, value: number): number;
}

interface NativeModule {
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): NativeHandler;
    destroy_handler(handler: NativeHandler): void;
  };
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
}

/** libopus limits: 120 ms at 48 kHz per channel, and the largest packet opus_encode may write. */
const MAX_FRAME_SIZE = 5760;
export const MAX_PACKET_BYTES = 1276 * 3;
const MAX_CHANNELS = 2;
const MAX_PCM_BYTES = MAX_FRAME_SIZE * MAX_CHANNELS * 2;

export const OPUS_APPLICATION_VOIP = 2048;
export const OPUS_APPLICATION_AUDIO = 2049;
export const OPUS_SET_BITRATE = 4002;

/** Calls are synchronous and JS is single-threaded, so every handler shares one scratch area. */
interface Scratch {
  native: NativeModule;
  /** One 16-bit slot per PCM byte. */
  pcmAddress: number;
  packetAddress: number;
}

let scratch: Scratch | undefined;

function load(): Scratch {
  if (!scratch) {
    const require = createRequire(import.meta.url);
    const factory = require('opusscript/build/opusscript_native_wasm.js') as () => NativeModule;
    const native = factory();
    scratch = {
      native,
      pcmAddress: native._malloc(MAX_PCM_BYTES * 2),
      packetAddress: native._malloc(MAX_PACKET_BYTES),
    };
  }
  return scratch;
}

export interface OpusHandle {
  /** Encodes `frameSize` samples per channel; returns libopus's (negative) error code on failure. */
  encode(pcm: Int16Array, frameSize: number): Uint8Array | number;
  /** Decodes one packet to interleaved PCM; returns libopus's (negative) error code on failure. */
  decode(packet: Uint8Array): Int16Array | number;
  encoderCtl(ctl: number, value: number): number;
  free(): void;
}

export function createOpusHandle(sampleRate: number, channels: number, application: number): OpusHandle {
  if (channels < 1 || channels > MAX_CHANNELS) throw new RangeError(`unsupported channel count ${channels}`);
  const { native, pcmAddress, packetAddress } = load();
  const handler = new native.OpusScriptHandler(sampleRate, channels, application);
  return {
    encode(pcm, frameSize) {
      const bytes = pcm.byteLength;
      if (bytes > MAX_PCM_BYTES) throw new RangeError('PCM frame too long');
      pushPcm(native, pcmAddress, pcm);
      const length = handler._encode(pcmAddress, bytes, packetAddress, frameSize);
      return length < 0 ? length : native.HEAPU8.slice(packetAddress, packetAddress + length);
    },
    decode(packet) {
      if (packet.byteLength > MAX_PACKET_BYTES) throw new RangeError('Opus packet too long');
      native.HEAPU8.set(packet, packetAddress);
      const frames = handler._decode(packetAddress, packet.byteLength, pcmAddress);
      return frames < 0 ? frames : pullPcm(native, pcmAddress, frames * channels);
    },
    encoderCtl: (ctl, value) => handler._encoder_ctl(ctl, value),
    free: () => native.OpusScriptHandler.destroy_handler(handler),
  };
}

function pushPcm(native: NativeModule, address: number, pcm: Int16Array): void {
  // Widening each byte into its own 16-bit slot is exactly what TypedArray#set does.
  native.HEAPU16.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), address >> 1);
}

function pullPcm(native: NativeModule, address: number, samples: number): Int16Array {
  const slots = native.HEAPU16.subarray(address >> 1, (address >> 1) + samples * 2);
  // Narrowing each slot back to a byte: TypedArray#set keeps the low 8 bits.
  const bytes = new Uint8Array(samples * 2);
  bytes.set(slots);
  return new Int16Array(bytes.buffer);
}
