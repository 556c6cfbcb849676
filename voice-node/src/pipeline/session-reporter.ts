import type { NodeMessage, TranscriptEntry, TurnTimings } from '@glyphoxa/protocol';
import type { TranscriptOutbox } from '../transcript-outbox.ts';

/** Usage waits at most this long before it is sent (batched, not delayed). */
const FLUSH_MS = 1000;

export interface UsageDelta {
  llmTokens?: number;
  sttSeconds?: number;
  ttsChars?: number;
  toolCalls?: number;
}

/**
 * What a session tells the edge about itself: transcript lines (through the node's
 * transcript outbox, which batches, paces and resends them), usage as numbered deltas
 * (the edge drops a replayed `seq`), and each turn's stage timings. `close` sends
 * whatever is still held and resolves once the transcript is out. `live` gets each line at
 * once (the session's browser clients), as the edge's copy waits in the outbox; NPC tool
 * events are the DM's to read, never the players', so they go to the edge alone.
 */
export function createSessionReporter(sessionId: string, send: (message: NodeMessage) => void, transcripts: TranscriptOutbox, live: (entry: TranscriptEntry) => void = () => {}) {
  let usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0, tool_calls: 0 };
  let seq = 0;
  let usageTimer: ReturnType<typeof setTimeout> | undefined;

  const flushUsage = () => {
    clearTimeout(usageTimer);
    usageTimer = undefined;
    if (Object.values(usage).every((n) => n === 0)) return;
    seq += 1;
    const { tool_calls, ...counts } = usage;
    send({ type: 'usage', session_id: sessionId, seq, ...counts, ...(tool_calls > 0 ? { tool_calls } : {}) });
    usage = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0, tool_calls: 0 };
  };

  return {
    transcript(entry: TranscriptEntry): void {
      if (!entry.tool) live(entry);
      transcripts.add(sessionId, entry);
    },

    usage(delta: UsageDelta): void {
      usage.llm_tokens += delta.llmTokens ?? 0;
      usage.stt_seconds += delta.sttSeconds ?? 0;
      usage.tts_chars += delta.ttsChars ?? 0;
      usage.tool_calls += delta.toolCalls ?? 0;
      // Sent soon after it is used, so the edge has it before the session can end.
      usageTimer ??= setTimeout(flushUsage, FLUSH_MS);
    },

    turn(npc: string, timings: TurnTimings, preparedEarly = false): void {
      send({ type: 'turn', session_id: sessionId, npc, timings, ...(preparedEarly ? { prepared_early: true } : {}) });
    },

    close(): Promise<void> {
      flushUsage();
      return transcripts.drain(sessionId);
    },
  };
}

export type SessionReporter = ReturnType<typeof createSessionReporter>;
