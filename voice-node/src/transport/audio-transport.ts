import type { Logger, TranscriptEntry } from '@glyphoxa/protocol';

/**
 * All the pipeline knows of where audio comes from and goes to. Discord voice and
 * the browser WebSocket transport both carry Opus frames (48 kHz stereo, 20 ms),
 * one inbound stream per speaker.
 */
export interface AudioTransport {
  /** Joins the session's channel; resolves once audio can flow both ways. */
  join(): Promise<void>;
  /** Every inbound Opus frame, tagged with its speaker (a Discord user id). */
  onAudio(listener: (frame: InboundFrame) => void): void;
  /** A speaker's stream ended (they stopped talking or left); lets VAD close an utterance. */
  onSpeakerEnd(listener: (speakerId: string) => void): void;
  /** Sends one outbound Opus frame; the caller paces frames every 20 ms. */
  send(opus: Uint8Array): void;
  /** Marks the start/end of outbound speech (Discord's speaking indicator; silence padding). */
  setSpeaking(speaking: boolean): void;
  /** Which NPC's audio is going out: WebSocket clients show it; Discord has no such signal. */
  npcSpeaking(npc: string, speaking: boolean): void;
  /** A line of the transcript as it is spoken: WebSocket clients show it beside the audio. */
  transcript(entry: TranscriptEntry): void;
  /** A line a speaker typed instead of saying (WebSocket clients' text box). */
  onText(listener: (speaker: { id: string; name?: string }, text: string) => void): void;
  /** The transport gave up (e.g. Discord rejoins exhausted): no more audio either way; end the session. */
  onLost(listener: (error: Error) => void): void;
  /** Leaves the channel and releases everything; safe to call twice. */
  leave(): Promise<void>;
}

export interface InboundFrame {
  speakerId: string;
  /** Display name where the transport knows it; the pipeline falls back to the id. */
  speakerName?: string;
  opus: Uint8Array;
}

/**
 * A speaker's stream ends after this long without a (non-silence) packet: Discord
 * clients stop sending when their own voice detection closes, so this is the end of
 * turn; it also ends a WebSocket client's stream that goes quiet.
 */
export const SPEAKER_END_SILENCE_MS = 300;

/** Where a session's audio flows; chosen per session by the assignment. */
export interface TransportTarget {
  sessionId: string;
  tenantId: string;
  guildId: string;
  channelId: string;
  log: Logger;
}
