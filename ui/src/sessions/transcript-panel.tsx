import { useQueryClient, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { Search } from 'lucide-react';
import { useCallback, useId, useMemo, useState } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { cn } from '../lib/cn.ts';
import { speakerColour } from '../talk/transcript-view.tsx';
import { lineKey, useLiveTranscript, type LiveStatus } from './live-transcript.ts';
import { sessionKeys, transcriptQuery } from './session-queries.ts';

interface Line {
  key: string;
  speaker_id: string;
  speaker_name: string;
  npc: boolean;
  text: string;
  at: string;
}

const LIVE_WORDS: Record<LiveStatus, string> = {
  connecting: 'Connecting to the live transcript…',
  live: 'Live: lines appear as they are spoken.',
  ended: 'The session has ended.',
  lost: 'The live transcript lost its connection.',
};

/**
 * A session's transcript: the stored lines a page at a time, and while it runs the lines
 * streaming in as they are spoken; each speaker in a colour of their own, searchable.
 */
export function TranscriptPanel({ tenantId, sessionId, live }: { tenantId: string; sessionId: string; live: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const stored = useSuspenseInfiniteQuery(transcriptQuery(tenantId, sessionId));
  const [search, setSearch] = useState('');
  // Re-read what was stored before the socket opened, and everything once it ends (the stored lines are then the whole).
  const reread = useCallback(() => void queryClient.invalidateQueries({ queryKey: sessionKeys.transcript(tenantId, sessionId) }), [queryClient, tenantId, sessionId]);
  const ended = useCallback(() => void queryClient.invalidateQueries({ queryKey: sessionKeys.list(tenantId) }), [queryClient, tenantId]);
  const stream = useLiveTranscript(tenantId, sessionId, live, { onOpen: reread, onEnded: ended });

  const lines = useMemo(() => {
    const all: Line[] = stored.data.pages.flatMap((p) => p.lines.map((l) => ({ ...l, at: l.spoken_at, key: lineKey(l, l.spoken_at) })));
    const seen = new Set(all.map((l) => l.key));
    for (const l of stream.lines) {
      const key = lineKey(l, l.at);
      if (seen.has(key)) continue;
      seen.add(key);
      all.push({ ...l, key });
    }
    return all;
  }, [stored.data, stream.lines]);
  const order = [...new Set(lines.map((l) => l.speaker_id))];
  const needle = search.trim().toLowerCase();
  const shown = needle ? lines.filter((l) => l.text.toLowerCase().includes(needle) || l.speaker_name.toLowerCase().includes(needle)) : lines;

  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h3 id={`${id}-title`} className="text-base font-semibold">
          Transcript
        </h3>
        <div className="flex flex-col gap-1">
          <Label htmlFor={`${id}-search`}>Search the transcript</Label>
          <div className="relative">
            <Search aria-hidden="true" className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
            <Input id={`${id}-search`} type="search" className="pl-8" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="A word, or a speaker" autoComplete="off" />
          </div>
        </div>
      </div>
      {live && (
        <p role="status" className={cn('flex items-center gap-2 text-sm', stream.status === 'live' ? 'text-success' : 'text-muted-foreground')}>
          {stream.status === 'live' && <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-success" />}
          {LIVE_WORDS[stream.status]}
          {stream.status === 'lost' && (
            <Button variant="link" size="sm" className="h-auto p-0" onClick={stream.retry}>
              Reconnect
            </Button>
          )}
        </p>
      )}
      {needle && (
        <p className="text-sm text-muted-foreground" aria-live="polite">
          {shown.length} of {lines.length} line{lines.length === 1 ? '' : 's'} match “{search.trim()}”{stored.hasNextPage ? ' (of the lines loaded so far)' : ''}.
        </p>
      )}
      {lines.length === 0 ? (
        <p className="text-sm text-muted-foreground">{live ? 'Nothing was said yet: lines appear here as the table speaks.' : 'Nothing was said in this session.'}</p>
      ) : (
        <ol aria-label="Transcript" className="flex flex-col gap-2">
          {shown.map((l) => (
            <li key={l.key} className="text-sm">
              <span className={cn('font-semibold', speakerColour(l, order))}>{l.speaker_name}</span>{' '}
              {l.npc && <span className="rounded bg-muted px-1 text-xs text-muted-foreground">NPC</span>}{' '}
              <time className="ml-1 text-xs text-muted-foreground" dateTime={l.at}>
                {new Date(l.at).toLocaleTimeString()}
              </time>
              <p className="mt-0.5">
                <Highlighted text={l.text} needle={needle} />
              </p>
            </li>
          ))}
        </ol>
      )}
      {stored.hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void stored.fetchNextPage()} disabled={stored.isFetchingNextPage}>
          {stored.isFetchingNextPage ? 'Loading…' : 'More of the transcript'}
        </Button>
      )}
      {stored.error && <Alert tone="error">The transcript could not be read: {stored.error.message}. Reload the page to try again.</Alert>}
    </section>
  );
}

/** `text` with each match of `needle` marked. */
function Highlighted({ text, needle }: { text: string; needle: string }) {
  if (!needle) return text;
  const parts: Array<{ text: string; match: boolean }> = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); hit !== -1; hit = lower.indexOf(needle, at)) {
    if (hit > at) parts.push({ text: text.slice(at, hit), match: false });
    parts.push({ text: text.slice(hit, hit + needle.length), match: true });
    at = hit + needle.length;
  }
  parts.push({ text: text.slice(at), match: false });
  return parts.map((p, i) => (p.match ? <mark key={i} className="rounded bg-amber-200 px-0.5 text-foreground dark:bg-amber-700/60">{p.text}</mark> : p.text));
}
