import type { PcmChunk } from '@glyphoxa/providers';

/** A header longer than this is not a WAV header: it is refused rather than buffered without end. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The PCM of a 16-bit mono WAV file while it is still being written (a synthesizer's
 * stdout): the header is read as soon as it is complete, then every chunk of the
 * data is handed out at the header's rate. The data size field is ignored, since
 * streaming writers cannot know it. Throws on anything but 16-bit mono PCM.
 */
export async function* wavPcmStream(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<PcmChunk> {
  let head: Uint8Array = new Uint8Array(0);
  let sampleRate: number | undefined;
  /** A byte of a sample split between two chunks. */
  let carry: number | undefined;

  for await (const chunk of bytes) {
    let data = chunk;
    if (sampleRate === undefined) {
      head = concat(head, chunk);
      const header = readHeader(head);
      if (!header) {
        if (head.length > MAX_HEADER_BYTES) throw new Error('WAV header without a data chunk');
        continue;
      }
      sampleRate = header.sampleRate;
      data = head.subarray(header.dataStart);
    }
    if (carry !== undefined && data.length > 0) data = concat(Uint8Array.of(carry), data);
    carry = data.length % 2 === 1 ? data[data.length - 1] : undefined;
    if (data.length >= 2) yield { samples: littleEndianSamples(data), sampleRate };
  }
  if (sampleRate === undefined) throw new Error('WAV stream ended before its audio');
}

/** Rate and where the samples start, once `head` holds the whole header; undefined while it does not yet. */
function readHeader(head: Uint8Array): { sampleRate: number; dataStart: number } | undefined {
  if (head.length < 12) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (fourCc(view, 0) !== 'RIFF' || fourCc(view, 8) !== 'WAVE') throw new Error('not a RIFF/WAVE stream');
  let sampleRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = fourCc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'data') {
      if (sampleRate === undefined) throw new Error('WAV data before its format');
      return { sampleRate, dataStart: body };
    }
    if (body + size > head.length) return undefined;
    if (id === 'fmt ') sampleRate = readFormat(view, body, size);
    // Chunks are word-aligned: an odd size carries one pad byte.
    offset = body + size + (size & 1);
  }
  return undefined;
}

function readFormat(view: DataView, at: number, size: number): number {
  if (size < 16) throw new Error('WAV format chunk too short');
  const encoding = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (encoding !== 1 || channels !== 1 || bits !== 16 || sampleRate < 1) {
    throw new Error(`unsupported WAV format ${encoding}, ${channels} channels, ${bits} bits: only 16-bit mono PCM`);
  }
  return sampleRate;
}

/** WAV is little-endian whatever the host is; a trailing odd byte is left to the caller. */
function littleEndianSamples(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
  return samples;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function fourCc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}
