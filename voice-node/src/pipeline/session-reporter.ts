import { MAX_TRANSCRIPT_ENTRIES, type NodeMessage, type TranscriptEntry, type TurnTimings } from '@glyphoxa/protocol';

/** Transcript lines and usage wait at most this long before they are sent (batched, not delayed). */
const FLUSH_MS = 1000;

export interface UsageDelta {
  llmTokens?: number;
  sttSeconds?: number;
  ttsChars?: number;
}

/**
 * What a session tells the edge about itself: transcript lines in small batches,
 * usage as numbered deltas (the edge drops a replayed `seq`), and each turn's
 * stage timings. `close` sends whatever is still held. `live` gets each line at once
 * (the session's browser clients), as the batch to the edge waits.
 */
export function createSessionReporter(sessionId: string, send: (message: NodeMessage) => void, live: (entry: TranscriptEntry) => void = () => {}) {
  let lines: TranscriptEntry[] = [];
  let usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0 };
  let seq = 0;
  let transcriptTimer: ReturnType<typeof setTimeout> | undefined;
  let usageTimer: ReturnType<typeof setTimeout> | undefined;

  const flushTranscript = () => {
    clearTimeout(transcriptTimer);
    transcriptTimer = undefined;
    while (lines.length > 0) {
      send({ type: 'transcript', session_id: sessionId, entries: lines.slice(0, MAX_TRANSCRIPT_ENTRIES) });
      lines = lines.slice(MAX_TRANSCRIPT_ENTRIES);
    }
  };

  const flushUsage = () => {
    clearTimeout(usageTimer);
    usageTimer = undefined;
    if (usage.llm_tokens === 0 && usage.stt_seconds === 0 && usage.tts_chars === 0) return;
    seq += 1;
    send({ type: 'usage', session_id: sessionId, seq, ...usage });
    usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0 };
  };

  return {
    transcript(entry: TranscriptEntry): void {
      live(entry);
      lines.push(entry);
      if (lines.length >= MAX_TRANSCRIPT_ENTRIES) flushTranscript();
      else transcriptTimer ??= setTimeout(flushTranscript, FLUSH_MS);
    },

    usage(delta: UsageDelta): void {
      usage.llm_tokens += delta.llmTokens ?? 0;
      usage.stt_seconds += delta.sttSeconds ?? 0;
      usage.tts_chars += delta.ttsChars ?? 0;
      // Sent soon after it is used, so the edge has it before the session can end.
      usageTimer ??= setTimeout(flushUsage, FLUSH_MS);
    },

    turn(npc: string, timings: TurnTimings, preparedEarly = false): void {
      send({ type: 'turn', session_id: sessionId, npc, timings, ...(preparedEarly ? { prepared_early: true } : {}) });
    },

    close(): void {
      flushTranscript();
      flushUsage();
    },
  };
}

export type SessionReporter = ReturnType<typeof createSessionReporter>;
