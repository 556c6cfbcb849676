import { createLogger, MAX_TRANSCRIPT_BATCH_BYTES, MAX_TEXT_LENGTH, TRANSCRIPT_SESSION_BUDGET, type NodeMessage } from '@glyphoxa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTranscriptOutbox } from '../src/transcript-outbox.ts';

const SESSION = '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11';
const line = (text: string) => ({ speaker_id: 'u1', speaker_name: 'Ana', text, at: '2026-12-02T10:00:00.000Z' });
type Batch = Extract<NodeMessage, { type: 'transcript' }>;

describe('transcript outbox', () => {
  let sent: Batch[];
  let logged: Array<{ level: string; msg: string }>;
  let connected: boolean;
  let outbox: ReturnType<typeof createTranscriptOutbox>;
  const texts = () => sent.flatMap((b) => b.entries.map((e) => e.text));
  const refuse = (batch: Batch, retryAfterMs?: number) =>
    outbox.refused({ type: 'error', code: 'rate_limited', message: 'over budget', request_type: 'transcript', session_id: batch.session_id, seq: batch.seq, ...(retryAfterMs !== undefined && { retry_after_ms: retryAfterMs }) });

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    logged = [];
    connected = true;
    const log = createLogger({}, { sink: (line) => logged.push(JSON.parse(line)) });
    outbox = createTranscriptOutbox((m) => sent.push(m as Batch), log, () => connected);
  });
  afterEach(() => vi.useRealTimers());

  it('batches lines for a second, numbers the batches, and never sends more than a message holds', () => {
    outbox.add(SESSION, line('one'));
    outbox.add(SESSION, line('two'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([{ type: 'transcript', session_id: SESSION, seq: 1, entries: [line('one'), line('two')] }]);

    for (let i = 0; i < 250; i++) outbox.add(SESSION, line(`l${i}`));
    vi.advanceTimersByTime(1000);
    expect(sent.slice(1).map((b) => [b.seq, b.entries.length])).toEqual([[2, 100], [3, 100], [4, 50]]);
    // Long lines: split by bytes too.
    for (let i = 0; i < 40; i++) outbox.add(SESSION, line('x'.repeat(MAX_TEXT_LENGTH)));
    vi.advanceTimersByTime(1000);
    const long = sent.slice(4);
    expect(long.reduce((n, b) => n + b.entries.length, 0)).toBe(40);
    for (const batch of long) expect(new TextEncoder().encode(JSON.stringify(batch)).byteLength).toBeLessThanOrEqual(MAX_TRANSCRIPT_BATCH_BYTES);
  });

  it('paces a burst by the budget the edge enforces', () => {
    for (let i = 0; i < 1000; i++) outbox.add(SESSION, line(`l${i}`));
    expect(texts().length).toBe(TRANSCRIPT_SESSION_BUDGET.burst);
    vi.advanceTimersByTime(5000);
    // Then the sustained rate, batch by batch.
    expect(texts().length).toBeGreaterThanOrEqual(TRANSCRIPT_SESSION_BUDGET.burst + 4 * TRANSCRIPT_SESSION_BUDGET.linesPerSecond);
    expect(texts().length).toBeLessThanOrEqual(TRANSCRIPT_SESSION_BUDGET.burst + 6 * TRANSCRIPT_SESSION_BUDGET.linesPerSecond);
    vi.advanceTimersByTime(60_000);
    expect(texts()).toEqual(Array.from({ length: 1000 }, (_, i) => `l${i}`));
  });

  it('sends a refused batch again after the wait the edge asked for, in the order spoken', () => {
    for (let i = 0; i < 3; i++) outbox.add(SESSION, line(`a${i}`));
    vi.advanceTimersByTime(1000);
    outbox.add(SESSION, line('b0'));
    vi.advanceTimersByTime(1000);
    expect(refuse(sent[0]!, 2000)).toBe(true);
    outbox.add(SESSION, line('c0'));
    vi.advanceTimersByTime(1999);
    expect(sent.length).toBe(2);
    vi.advanceTimersByTime(1);
    expect(sent[2]).toMatchObject({ seq: 3, entries: [line('a0'), line('a1'), line('a2'), line('c0')] });
    // A refusal for good, and one for a batch given up long ago, are said, never silent.
    expect(refuse(sent[2]!)).toBe(true);
    expect(refuse({ ...sent[1]!, seq: 99 }, 10)).toBe(true);
    expect(logged.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'transcript batch refused for good'],
      ['error', 'transcript batch refused after it was given up'],
    ]);
    expect(outbox.refused({ type: 'error', code: 'internal', message: 'x', request_type: 'usage' })).toBe(false);
  });

  it('keeps lines while the edge is out of reach and sends them once it is back', () => {
    connected = false;
    outbox.add(SESSION, line('held'));
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
    connected = true;
    vi.advanceTimersByTime(600);
    expect(texts()).toEqual(['held']);
  });

  it('a session ending sends its last lines at once; after a refusal it waits until they are taken', async () => {
    outbox.add(SESSION, line('last'));
    await outbox.drain(SESSION);
    expect(texts()).toEqual(['last']);

    outbox.add(SESSION, line('first'));
    vi.advanceTimersByTime(1000);
    refuse(sent[1]!, 500);
    let done = false;
    const draining = outbox.drain(SESSION).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(sent[2]).toMatchObject({ entries: [line('first')] });
    // The edge may still refuse the resend: the session waits out the refusal window.
    await vi.advanceTimersByTimeAsync(5000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(15_000);
    await draining;
    expect(done).toBe(true);
  });
});
