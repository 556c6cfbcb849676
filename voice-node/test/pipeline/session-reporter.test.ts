import type { NodeMessage } from '@glyphoxa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionReporter } from '../../src/pipeline/session-reporter.ts';

const SESSION = '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11';
const line = (text: string) => ({ speaker_id: 'u1', speaker_name: 'Ana', text, at: new Date().toISOString() });

describe('session reporter', () => {
  let sent: NodeMessage[];
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  it('batches transcript lines for a second, and never more than a message holds', () => {
    const reporter = createSessionReporter(SESSION, (m) => sent.push(m));
    reporter.transcript(line('one'));
    reporter.transcript(line('two'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([{ type: 'transcript', session_id: SESSION, entries: [line('one'), line('two')].map((l) => ({ ...l, at: expect.any(String) })) }]);

    for (let i = 0; i < 250; i++) reporter.transcript(line(`l${i}`));
    reporter.close();
    const batches = sent.slice(1).map((m) => (m.type === 'transcript' ? m.entries.length : 0));
    expect(batches).toEqual([100, 100, 50]);
  });

  it('sends usage as numbered deltas a second after use, nothing when nothing was used, and the rest at close', () => {
    const reporter = createSessionReporter(SESSION, (m) => sent.push(m));
    reporter.usage({ llmTokens: 120, sttSeconds: 2.5 });
    reporter.usage({ ttsChars: 80 });
    vi.advanceTimersByTime(999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(5000);
    reporter.usage({ llmTokens: 7 });
    reporter.close();
    vi.advanceTimersByTime(20_000);
    expect(sent).toEqual([
      { type: 'usage', session_id: SESSION, seq: 1, llm_tokens: 120, stt_seconds: 2.5, tts_chars: 80 },
      { type: 'usage', session_id: SESSION, seq: 2, llm_tokens: 7, stt_seconds: 0, tts_chars: 0 },
    ]);
  });
});
