import type { AudioInfo } from './audio-info.ts';
import { tagAt } from './audio-info.ts';
import { unreadable } from './sample-error.ts';

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * A RIFF/WAVE file's format and duration, from its chunks: `fmt ` (PCM or IEEE float,
 * plain or WAVE_FORMAT_EXTENSIBLE, any rate and channel count) and `data`, whose length
 * over the byte rate is the duration. Other chunks (LIST, fact, cue) are skipped.
 */
export function readWav(bytes: Uint8Array): AudioInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || tagAt(bytes, 0) !== 'RIFF' || tagAt(bytes, 8) !== 'WAVE') throw unreadable('not a WAV file (no RIFF/WAVE header)');
  let format: { channels: number; sampleRate: number; blockAlign: number } | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = tagAt(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw unreadable('WAV fmt chunk is truncated');
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (!format) throw unreadable('WAV data chunk comes before its fmt chunk');
      if (body + size > bytes.length) throw unreadable(`WAV is truncated: its data chunk says ${size} bytes, the file holds ${bytes.length - body}`);
      if (size % format.blockAlign !== 0) throw unreadable('WAV data does not hold whole sample frames');
      const frames = size / format.blockAlign;
      return { format: 'wav', durationMs: Math.round((frames / format.sampleRate) * 1000), sampleRate: format.sampleRate, channels: format.channels };
    }
    offset = body + size + (size % 2);
  }
  throw unreadable(format ? 'WAV has no data chunk (truncated?)' : 'WAV has no fmt chunk');
}

function readFormat(view: DataView, at: number, size: number) {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
  if (tag === EXTENSIBLE && size >= 40) tag = view.getUint16(at + 24, true);
  if (tag !== PCM && tag !== IEEE_FLOAT) throw unreadable(`WAV encoding ${tag} is not supported: upload PCM (or float) WAV or MP3`);
  if (channels < 1 || channels > 8) throw unreadable(`WAV has ${channels} channels`);
  if (sampleRate < 8000 || sampleRate > 192_000) throw unreadable(`WAV sample rate ${sampleRate} Hz is outside 8–192 kHz`);
  if (bits < 8 || bits > 64 || bits % 8 !== 0 || blockAlign !== (channels * bits) / 8) throw unreadable(`WAV of ${bits}-bit samples in ${blockAlign}-byte frames is malformed`);
  return { channels, sampleRate, blockAlign };
}
