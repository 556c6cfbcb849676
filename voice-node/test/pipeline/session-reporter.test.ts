import { createLogger, type NodeMessage } from '@glyphoxa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionReporter } from '../../src/pipeline/session-reporter.ts';
import { createTranscriptOutbox } from '../../src/transcript-outbox.ts';

const SESSION = '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11';
const line = (text: string) => ({ speaker_id: 'u1', speaker_name: 'Ana', text, at: new Date().toISOString() });

describe('session reporter', () => {
  let sent: NodeMessage[];
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  it('hands transcript lines to the outbox, and at close resolves once they are out', async () => {
    const reporter = createSessionReporter(SESSION, (m) => sent.push(m), createTranscriptOutbox((m) => sent.push(m), createLogger({}, { sink: () => {} })));
    reporter.transcript(line('one'));
    reporter.usage({ llmTokens: 3 });
    await reporter.close();
    expect(sent.map((m) => m.type).sort()).toEqual(['transcript', 'usage']);
  });

  it('sends usage as numbered deltas a second after use, nothing when nothing was used, and the rest at close', () => {
    const reporter = createSessionReporter(SESSION, (m) => sent.push(m), createTranscriptOutbox((m) => sent.push(m), createLogger({}, { sink: () => {} })));
    reporter.usage({ llmTokens: 120, sttSeconds: 2.5 });
    reporter.usage({ ttsChars: 80 });
    vi.advanceTimersByTime(999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(5000);
    reporter.usage({ llmTokens: 7 });
    reporter.usage({ toolCalls: 1 });
    reporter.usage({ toolCalls: 1 });
    reporter.close();
    vi.advanceTimersByTime(20_000);
    expect(sent).toEqual([
      // No tool calls, no field: what a node without them has always sent.
      { type: 'usage', session_id: SESSION, seq: 1, llm_tokens: 120, stt_seconds: 2.5, tts_chars: 80 },
      { type: 'usage', session_id: SESSION, seq: 2, llm_tokens: 7, stt_seconds: 0, tts_chars: 0, tool_calls: 2 },
    ]);
  });
});
