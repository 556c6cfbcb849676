import type { TranscriptEntry } from '@glyphoxa/protocol';

/** How far back an NPC remembers the table: the last minutes, and never more than so many lines. */
export const MEMORY_MAX_AGE_MS = 10 * 60_000;
export const MEMORY_MAX_LINES = 200;

export interface ConversationMemoryOptions {
  maxAgeMs?: number;
  maxLines?: number;
  now?: () => number;
}

/**
 * A session's rolling transcript (players and NPCs), what NPC context is built
 * from. Bounded both by age and by count, so a long session holds a few minutes,
 * never its whole history.
 */
export function createConversationMemory(options: ConversationMemoryOptions = {}) {
  const { maxAgeMs = MEMORY_MAX_AGE_MS, maxLines = MEMORY_MAX_LINES, now = Date.now } = options;
  let lines: { entry: TranscriptEntry; atMs: number }[] = [];

  const prune = () => {
    const oldest = now() - maxAgeMs;
    lines = lines.filter((line) => line.atMs >= oldest).slice(-maxLines);
  };

  return {
    /** Adds a finalized line; lines keep the order they are added in (the order they were said). */
    add(entry: TranscriptEntry): void {
      const at = Date.parse(entry.at);
      lines.push({ entry, atMs: Number.isNaN(at) ? now() : at });
      prune();
    },

    /** The lines still remembered, oldest first. */
    recent(): TranscriptEntry[] {
      prune();
      return lines.map((line) => line.entry);
    },
  };
}

export type ConversationMemory = ReturnType<typeof createConversationMemory>;
