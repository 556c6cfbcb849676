import type { AudioInfo } from './audio-info.ts';
import { tagAt } from './audio-info.ts';
import { unreadable } from './sample-error.ts';

/** Layer III bitrates (kbit/s) by index, for MPEG-1 and for MPEG-2/2.5. */
const BITRATES = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
/** Sample rates by version bits (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1) and index. */
const SAMPLE_RATES: Record<number, number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

interface Frame {
  version: number;
  sampleRate: number;
  channels: number;
  length: number;
  samples: number;
  /** Where a Xing/Info header would start, after the side information. */
  xingOffset: number;
}

/**
 * An MP3's format and duration from its frames: ID3v2 tags at the start are skipped, the
 * stream is walked frame by frame (every header must be a Layer III one of the same
 * version and rate, up to an ID3v1 or APE tag at the end), and the duration is the frame
 * count of the Xing/Info or VBRI header when there is one (less the encoder's delay and
 * padding a LAME tag records), else the frames walked.
 * A stream shorter than its header promises, or cut mid-frame, is truncated.
 */
export function readMp3(bytes: Uint8Array): AudioInfo {
  let offset = skipId3v2(bytes);
  while (offset < bytes.length && bytes[offset] === 0) offset++;
  const first = frameAt(bytes, offset);
  if (!first) throw unreadable('not an MP3 file (no MPEG Layer III frame at its start)');
  const xing = xingHeader(bytes, offset, first);
  const declared = xing?.frames ?? vbriFrames(bytes, offset);
  let frames = 0;
  let samples = 0;
  // A Xing/VBRI frame carries no audio and is not in its own count.
  if (declared !== undefined) offset += first.length;
  while (offset < bytes.length && !isTrailingTag(bytes, offset)) {
    const frame = frameAt(bytes, offset);
    if (!frame || frame.version !== first.version || frame.sampleRate !== first.sampleRate) throw unreadable(`MP3 stream is broken at byte ${offset}`);
    if (offset + frame.length > bytes.length) throw unreadable(`MP3 is truncated: its last frame is cut at byte ${bytes.length}`);
    frames++;
    samples += frame.samples;
    offset += frame.length;
  }
  if (declared !== undefined && frames < declared) throw unreadable(`MP3 is truncated: its header promises ${declared} frames, the file holds ${frames}`);
  const total = (declared !== undefined ? declared * first.samples : samples) - (xing?.trimmed ?? 0);
  return { format: 'mp3', durationMs: Math.round((total / first.sampleRate) * 1000), sampleRate: first.sampleRate, channels: first.channels };
}

function frameAt(bytes: Uint8Array, at: number): Frame | null {
  if (at + 4 > bytes.length) return null;
  const [b0, b1, b2, b3] = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!];
  const version = (b1 >> 3) & 3;
  const layerIII = ((b1 >> 1) & 3) === 1;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || version === 1 || !layerIII || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const mpeg1 = version === 3;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const bitrate = (mpeg1 ? BITRATES.mpeg1 : BITRATES.mpeg2)[bitrateIndex]! * 1000;
  const padding = (b2 >> 1) & 1;
  const mono = b3 >> 6 === 3;
  return {
    version,
    sampleRate,
    channels: mono ? 1 : 2,
    length: Math.floor(((mpeg1 ? 144 : 72) * bitrate) / sampleRate) + padding,
    samples: mpeg1 ? 1152 : 576,
    xingOffset: 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17),
  };
}

/**
 * A Xing (VBR) or Info (CBR, as LAME writes it) header in the first frame: its frame count,
 * and the encoder's delay and padding from a LAME tag after it (samples that are not the
 * recording), so the duration is the recording's own.
 */
function xingHeader(bytes: Uint8Array, at: number, frame: Frame): { frames: number; trimmed: number } | undefined {
  const start = at + frame.xingOffset;
  const tag = tagAt(bytes, start);
  if ((tag !== 'Xing' && tag !== 'Info') || start + 12 > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!(view.getUint32(start + 4) & 1)) return undefined;
  const frames = view.getUint32(start + 8);
  // The LAME tag follows a Xing header with every field present (frames, bytes, TOC, quality).
  const lame = start + 120;
  if (view.getUint32(start + 4) !== 0x0f || tagAt(bytes, lame) !== 'LAME' || lame + 24 > bytes.length) return { frames, trimmed: 0 };
  const [d0, d1, d2] = [bytes[lame + 21]!, bytes[lame + 22]!, bytes[lame + 23]!];
  const trimmed = ((d0 << 4) | (d1 >> 4)) + (((d1 & 0x0f) << 8) | d2);
  return { frames, trimmed: trimmed < frames * frame.samples ? trimmed : 0 };
}

/** The frame count of a Fraunhofer VBRI header, which sits 32 bytes after the frame header. */
function vbriFrames(bytes: Uint8Array, at: number): number | undefined {
  const start = at + 36;
  if (tagAt(bytes, start) !== 'VBRI' || start + 18 > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(start + 14);
}

/** Past any ID3v2 tags (there may be several): their size is syncsafe, plus a footer when flagged. */
function skipId3v2(bytes: Uint8Array): number {
  let offset = 0;
  while (offset + 10 <= bytes.length && tagAt(bytes, offset, 3) === 'ID3') {
    const size = ((bytes[offset + 6]! & 0x7f) << 21) | ((bytes[offset + 7]! & 0x7f) << 14) | ((bytes[offset + 8]! & 0x7f) << 7) | (bytes[offset + 9]! & 0x7f);
    const footer = bytes[offset + 5]! & 0x10 ? 10 : 0;
    offset += 10 + size + footer;
  }
  if (offset > bytes.length) throw unreadable('MP3 is truncated inside its ID3 tag');
  return offset;
}

/** Tags that may follow the last frame: ID3v1 (128 bytes), APEv2, Lyrics3. */
function isTrailingTag(bytes: Uint8Array, at: number): boolean {
  return (tagAt(bytes, at, 3) === 'TAG' && bytes.length - at === 128) || tagAt(bytes, at, 8) === 'APETAGEX' || tagAt(bytes, at, 6) === 'LYRICS';
}
