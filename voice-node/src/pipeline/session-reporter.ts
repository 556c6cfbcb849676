import { MAX_TRANSCRIPT_ENTRIES, type NodeMessage, type TranscriptEntry, type TurnTimings } from '@glyphoxa/protocol';

/** Transcript lines wait at most this long before they are sent. */
const TRANSCRIPT_FLUSH_MS = 1000;
/** Usage is sent as a delta at most this often (and at stop). */
const USAGE_FLUSH_MS = 5000;

export interface UsageDelta {
  llmTokens?: number;
  sttSeconds?: number;
  ttsChars?: number;
}

/**
 * What a session tells the edge about itself: transcript lines in small batches,
 * usage as numbered deltas (the edge drops a replayed `seq`), and each turn's
 * stage timings. `close` sends whatever is still held.
 */
export function createSessionReporter(sessionId: string, send: (message: NodeMessage) => void) {
  let lines: TranscriptEntry[] = [];
  let usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0 };
  let seq = 0;
  let transcriptTimer: ReturnType<typeof setTimeout> | undefined;

  const flushTranscript = () => {
    clearTimeout(transcriptTimer);
    transcriptTimer = undefined;
    while (lines.length > 0) {
      send({ type: 'transcript', session_id: sessionId, entries: lines.slice(0, MAX_TRANSCRIPT_ENTRIES) });
      lines = lines.slice(MAX_TRANSCRIPT_ENTRIES);
    }
  };

  const flushUsage = () => {
    if (usage.llm_tokens === 0 && usage.stt_seconds === 0 && usage.tts_chars === 0) return;
    seq += 1;
    send({ type: 'usage', session_id: sessionId, seq, ...usage });
    usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0 };
  };
  const usageTimer = setInterval(flushUsage, USAGE_FLUSH_MS);

  return {
    transcript(entry: TranscriptEntry): void {
      lines.push(entry);
      if (lines.length >= MAX_TRANSCRIPT_ENTRIES) flushTranscript();
      else transcriptTimer ??= setTimeout(flushTranscript, TRANSCRIPT_FLUSH_MS);
    },

    usage(delta: UsageDelta): void {
      usage.llm_tokens += delta.llmTokens ?? 0;
      usage.stt_seconds += delta.sttSeconds ?? 0;
      usage.tts_chars += delta.ttsChars ?? 0;
    },

    turn(npc: string, timings: TurnTimings): void {
      send({ type: 'turn', session_id: sessionId, npc, timings });
    },

    close(): void {
      clearInterval(usageTimer);
      flushTranscript();
      flushUsage();
    },
  };
}

export type SessionReporter = ReturnType<typeof createSessionReporter>;
