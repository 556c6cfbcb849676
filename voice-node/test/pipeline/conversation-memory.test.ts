import { describe, expect, it } from 'vitest';
import { createConversationMemory, MEMORY_MAX_AGE_MS } from '../../src/pipeline/conversation-memory.ts';

const line = (text: string, atMs: number) => ({ speaker_id: 'u1', speaker_name: 'Ana', text, at: new Date(atMs).toISOString() });

describe('conversation memory', () => {
  it('forgets lines older than its window, as time passes', () => {
    let now = 1_700_000_000_000;
    const memory = createConversationMemory({ now: () => now });
    memory.add(line('old', now - MEMORY_MAX_AGE_MS - 1));
    memory.add(line('recent', now - 60_000));
    memory.add(line('new', now));
    expect(memory.recent().map((l) => l.text)).toEqual(['recent', 'new']);
    now += MEMORY_MAX_AGE_MS - 30_000;
    expect(memory.recent().map((l) => l.text)).toEqual(['new']);
  });

  it('keeps at most maxLines, the newest', () => {
    const now = Date.now();
    const memory = createConversationMemory({ maxLines: 3, now: () => now });
    for (let i = 0; i < 10; i++) memory.add(line(`l${i}`, now));
    expect(memory.recent().map((l) => l.text)).toEqual(['l7', 'l8', 'l9']);
  });

  it('keeps lines in the order they were said, with an unreadable time counted as now', () => {
    const now = Date.now();
    const memory = createConversationMemory({ now: () => now });
    memory.add(line('first', now - 1000));
    memory.add({ ...line('second', now), at: 'not a time' });
    expect(memory.recent().map((l) => l.text)).toEqual(['first', 'second']);
  });
});
