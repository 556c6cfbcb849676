import type { VoiceSampleFormat } from '@glyphoxa/db';

/** What the bytes of an upload say it is. */
export interface AudioInfo {
  format: VoiceSampleFormat;
  durationMs: number;
  sampleRate: number;
  channels: number;
}

/** An ASCII tag at `offset` (chunk ids, header magic). */
export function tagAt(bytes: Uint8Array, offset: number, length = 4): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
