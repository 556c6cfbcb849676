import { bytesToPcm } from '../../src/pcm.ts';

/**
 * The samples of an uploaded WAV, which must be what Glyphoxa promises the
 * vendors: PCM, mono, 16-bit, 16 kHz. Anything else is refused (a 400).
 */
export function readWav(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') throw new Error('not a WAV file');
  let format: { audioFormat: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (text(offset) === 'fmt ') {
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (text(offset) === 'data') {
      if (!format) throw new Error('WAV data before its format');
      const { audioFormat, channels, sampleRate, bits } = format;
      if (audioFormat !== 1 || channels !== 1 || sampleRate !== 16_000 || bits !== 16) {
        throw new Error(`expected 16 kHz mono 16-bit PCM, got format ${audioFormat}, ${channels} ch, ${sampleRate} Hz, ${bits} bit`);
      }
      if (body + size > bytes.length) throw new Error('WAV data chunk is truncated');
      return bytesToPcm(bytes.subarray(body, body + size));
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
