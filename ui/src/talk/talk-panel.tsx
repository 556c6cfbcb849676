import { Mic, MicOff, Send } from 'lucide-react';
import { useCallback, useEffect, useId, useState, useSyncExternalStore } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { cn } from '../lib/cn.ts';
import type { TalkConnection } from './talk-connection.ts';
import { TranscriptView } from './transcript-view.tsx';
import { usePushToTalkKey } from './use-push-to-talk-key.ts';

const STATUS = { connecting: 'Connecting…', joined: 'Live', ended: 'Ended', failed: 'Disconnected' } as const;

/**
 * A conversation with the session's NPCs: push-to-talk (hold the button or Space) or
 * an open mic, a text box for typed lines, the NPCs' voices, and the transcript beside.
 */
export function TalkPanel({ connection, onLeave }: { connection: TalkConnection; onLeave: () => void }) {
  const state = useSyncExternalStore(connection.subscribe, connection.getState);
  const id = useId();
  const [draft, setDraft] = useState('');
  const live = state.status === 'joined';
  const push = useCallback((down: boolean) => connection.push(down), [connection]);
  usePushToTalkKey(push, live && state.mic === 'on' && !state.openMic);
  useEffect(() => () => connection.close(), [connection]);

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
      <section aria-labelledby={`${id}-talk`} className="flex flex-col gap-4 rounded-lg border bg-card p-5">
        <div className="flex items-center justify-between gap-2">
          <h2 id={`${id}-talk`} className="text-lg font-semibold">
            Talk
          </h2>
          <span className={cn('rounded-full px-2.5 py-0.5 text-xs font-medium', live ? 'bg-success/15 text-success' : 'bg-muted text-muted-foreground')} role="status">
            {STATUS[state.status]}
          </span>
        </div>
        <p aria-live="polite" className="min-h-5 text-sm text-muted-foreground">
          {state.speaking.length > 0 ? `${state.speaking.join(' and ')} ${state.speaking.length > 1 ? 'are' : 'is'} speaking…` : live ? 'Say an NPC’s name to talk to them.' : ''}
        </p>
        {state.problem && <Alert tone="error">{state.problem}</Alert>}

        {state.mic !== 'on' ? (
          <Button onClick={() => void connection.enableMicrophone()} disabled={!live || state.mic === 'opening'} size="lg">
            <Mic aria-hidden="true" />
            {state.mic === 'opening' ? 'Opening the microphone…' : 'Use my microphone'}
          </Button>
        ) : (
          <div className="flex flex-col gap-3">
            <Button
              size="lg"
              variant={state.sending ? 'default' : 'secondary'}
              aria-pressed={state.sending}
              disabled={!live || state.openMic}
              onPointerDown={() => connection.push(true)}
              onPointerUp={() => connection.push(false)}
              onPointerLeave={() => connection.push(false)}
              onKeyDown={(e) => (e.key === 'Enter' ? connection.push(true) : undefined)}
              onKeyUp={(e) => (e.key === 'Enter' ? connection.push(false) : undefined)}
            >
              {state.sending ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
              {state.openMic ? 'Open mic: the NPCs hear you' : state.sending ? 'Listening… release to finish' : 'Hold to talk (or hold Space)'}
            </Button>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" className="size-4 accent-primary" checked={state.openMic} onChange={(e) => connection.setOpenMic(e.target.checked)} disabled={!live} />
              Open mic (no need to hold)
            </label>
          </div>
        )}

        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (connection.say(draft)) setDraft('');
          }}
        >
          <Label htmlFor={`${id}-say`}>Or type a line</Label>
          <div className="flex gap-2">
            <Input id={`${id}-say`} value={draft} maxLength={2000} onChange={(e) => setDraft(e.target.value)} placeholder="Grimjaw, what do you sell?" disabled={!live} autoComplete="off" />
            <Button type="submit" disabled={!live || draft.trim() === ''} aria-label="Send line">
              <Send aria-hidden="true" />
            </Button>
          </div>
        </form>

        <label className="flex items-center gap-3 text-sm">
          Volume
          <input type="range" min={0} max={1} step={0.05} defaultValue={1} onChange={(e) => (connection.volume = Number(e.target.value))} className="flex-1 accent-primary" />
        </label>

        <details className="text-sm text-muted-foreground">
          <summary className="cursor-pointer">Connection details</summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt>Packets sent</dt>
            <dd data-stat="sent">{state.stats.sent}</dd>
            <dt>Packets received</dt>
            <dd data-stat="received">{state.stats.received}</dd>
            <dt>NPC speech heard</dt>
            <dd data-stat="heard-ms" data-value={state.stats.heardMs}>
              {(state.stats.heardMs / 1000).toFixed(1)} s
            </dd>
          </dl>
        </details>

        <Button variant="outline" onClick={onLeave}>
          {live ? 'Leave the conversation' : 'Close'}
        </Button>
      </section>
      <section aria-labelledby={`${id}-transcript`} className="flex min-h-64 flex-col gap-3 rounded-lg border bg-card p-5">
        <h2 id={`${id}-transcript`} className="text-lg font-semibold">
          Live transcript
        </h2>
        <TranscriptView lines={state.lines} empty="Nothing said yet. What you and the NPCs say appears here." className="max-h-[60dvh] flex-1" />
      </section>
    </div>
  );
}
