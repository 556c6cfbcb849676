/**
 * Reads 16-bit PCM WAV files (fixtures, benchmark input). Only what the node needs:
 * format 1 (PCM) or WAVE_FORMAT_EXTENSIBLE with a PCM sub-format, 16 bits, any rate
 * and channel count; other chunks (LIST, fact, ...) are skipped.
 */

export interface WavAudio {
  /** Interleaved when `channels` > 1. */
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

export class WavError extends Error {
  override name = 'WavError';
}

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;

export function readWav(bytes: Uint8Array): WavAudio {
  const header = readWavHeader(bytes);
  if (!header) throw new WavError(bytes.byteLength < 12 ? 'not a RIFF/WAVE file' : 'no data chunk');
  // Writers that stream (size unknown up front) leave 0 or 0xFFFFFFFF: take the rest.
  const available = bytes.byteLength - header.dataStart;
  const length = Math.min(header.dataSize === 0 ? available : header.dataSize, available) & ~1;
  return { samples: littleEndianSamples(bytes.subarray(header.dataStart, header.dataStart + length)), ...header.format };
}

export interface WavHeader {
  format: { channels: number; sampleRate: number };
  /** Where the samples start, and the data chunk's declared size. */
  dataStart: number;
  dataSize: number;
}

/**
 * The header of a WAV file or of the start of a WAV stream: undefined while `bytes`
 * does not hold all of it yet; WavError when it is not 16-bit PCM WAV.
 */
export function readWavHeader(bytes: Uint8Array): WavHeader | undefined {
  if (bytes.byteLength < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (fourCc(view, 0) !== 'RIFF' || fourCc(view, 8) !== 'WAVE') throw new WavError('not a RIFF/WAVE file');
  let format: WavHeader['format'] | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = fourCc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'data') {
      if (!format) throw new WavError('data chunk before fmt chunk');
      return { format, dataStart: body, dataSize: size };
    }
    if (body + size > bytes.byteLength) return undefined;
    if (id === 'fmt ') format = readFormat(view, body, size);
    // Chunks are word-aligned: an odd size carries one pad byte.
    offset = body + size + (size & 1);
  }
  return undefined;
}

/** WAV is little-endian whatever the host is; a trailing odd byte is left out. */
export function littleEndianSamples(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
  return samples;
}

function readFormat(view: DataView, at: number, size: number): { channels: number; sampleRate: number } {
  if (size < 16) throw new WavError('fmt chunk too short');
  const tag = view.getUint16(at, true);
  // The extensible format names its real encoding in the first two bytes of the sub-format GUID.
  const encoding = tag === FORMAT_EXTENSIBLE && size >= 40 ? view.getUint16(at + 24, true) : tag;
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (encoding !== FORMAT_PCM || bits !== 16) {
    throw new WavError(`unsupported WAV encoding (format ${tag}, ${bits} bits): only 16-bit PCM`);
  }
  if (channels < 1 || sampleRate < 1) throw new WavError('WAV without channels or sample rate');
  return { channels, sampleRate };
}

function fourCc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}
