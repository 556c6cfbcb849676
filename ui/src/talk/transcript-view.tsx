import type { TranscriptEntry } from '@glyphoxa/protocol';
import { useEffect, useRef } from 'react';
import { cn } from '../lib/cn.ts';

/** Each speaker keeps one colour through a conversation; NPCs and players from separate sets. */
const NPC_COLOURS = ['text-amber-700 dark:text-amber-300', 'text-violet-700 dark:text-violet-300', 'text-teal-700 dark:text-teal-300', 'text-rose-700 dark:text-rose-300'];
const PLAYER_COLOURS = ['text-sky-700 dark:text-sky-300', 'text-emerald-700 dark:text-emerald-300', 'text-fuchsia-700 dark:text-fuchsia-300', 'text-orange-700 dark:text-orange-300'];

export function speakerColour(entry: Pick<TranscriptEntry, 'npc' | 'speaker_id'>, order: string[]): string {
  const set = entry.npc ? NPC_COLOURS : PLAYER_COLOURS;
  return set[Math.max(0, order.indexOf(entry.speaker_id)) % set.length]!;
}

/** Lines as they are spoken, newest at the bottom, kept in view; read out politely as they come. */
export function TranscriptView({ lines, empty, className }: { lines: TranscriptEntry[]; empty: string; className?: string }) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    // Not returned: Chromium's scrollIntoView now answers a promise, which React would take for a cleanup.
    void end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [lines.length]);
  const order = [...new Set(lines.map((line) => line.speaker_id))];
  return (
    <div role="log" aria-live="polite" aria-label="Transcript" className={cn('overflow-y-auto', className)}>
      <ol className="flex flex-col gap-3">
      {lines.length === 0 && <li className="text-sm text-muted-foreground">{empty}</li>}
      {lines.map((line, i) => (
        <li key={`${line.at}-${i}`} className="text-sm">
          <span className={cn('font-semibold', speakerColour(line, order))}>{line.speaker_name}</span>
          {line.npc && <span className="ml-1 rounded bg-muted px-1 text-xs text-muted-foreground">NPC</span>}
          <time className="ml-2 text-xs text-muted-foreground" dateTime={line.at}>
            {new Date(line.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
          </time>
          <p className="mt-0.5">{line.text}</p>
        </li>
      ))}
        <li ref={end} aria-hidden="true" />
      </ol>
    </div>
  );
}
