import { valibotResolver } from '@hookform/resolvers/valibot';
import { IdSchema } from '@glyphoxa/protocol';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { Headphones, Link2Off } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import * as v from 'valibot';
import { PublicPage } from '../components/layout/public-page.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader } from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { readJoinFragment } from '../talk/join-link.ts';
import { opusSupported } from '../talk/opus-format.ts';
import { TalkConnection } from '../talk/talk-connection.ts';
import { TalkPanel } from '../talk/talk-panel.tsx';

const api = getRouteApi('/join/$sessionId');
const NameSchema = v.object({ name: v.pipe(v.string(), v.trim(), v.nonEmpty('Enter the name the table knows you by'), IdSchema) });

/** One speaker id per session and tab, so a reload takes the place of the old connection. */
function speakerIdFor(sessionId: string): string {
  const key = `glyphoxa-speaker-${sessionId}`;
  const known = sessionStorage.getItem(key);
  if (known) return known;
  const made = `web-${crypto.randomUUID()}`;
  sessionStorage.setItem(key, made);
  return made;
}

/** A player (or the DM on another device) joins a browser-audio session from a shared link. */
function Join() {
  const { sessionId } = api.useParams();
  const [audio] = useState(() => readJoinFragment(window.location.hash));
  const [connection, setConnection] = useState<TalkConnection | null>(null);
  const [supported, setSupported] = useState<boolean | null>(null);
  const id = useId();
  const { register, handleSubmit, formState } = useForm({ resolver: valibotResolver(NameSchema), defaultValues: { name: localStorage.getItem('glyphoxa-speaker-name') ?? '' } });
  useEffect(() => void opusSupported().then(setSupported), []);

  const join = handleSubmit(({ name }) => {
    if (!audio) return;
    localStorage.setItem('glyphoxa-speaker-name', name);
    setConnection(new TalkConnection({ ...audio, speakerId: speakerIdFor(sessionId), speakerName: name }));
  });

  return (
    <PublicPage bordered className="mx-auto w-full max-w-5xl gap-6 sm:p-6">
        <h1 className="text-2xl font-semibold">Talk to the NPCs</h1>
        {!audio ? (
          <EmptyState icon={Link2Off} title="This join link is incomplete">
            The link is missing the part after “#”. Ask the DM to copy the join link again and send it whole.
          </EmptyState>
        ) : connection ? (
          <TalkPanel connection={connection} onLeave={() => setConnection(null)} />
        ) : (
          <Card className="max-w-md">
            <CardHeader>
              <CardDescription>You are joining a live session. The NPCs hear you while you hold to talk, and answer aloud.</CardDescription>
            </CardHeader>
            <CardContent>
              <form onSubmit={join} noValidate className="flex flex-col gap-4">
                {supported === false && <Alert tone="error">This browser cannot send or play the session’s audio (it needs WebCodecs with Opus). Use a current Chrome, Edge or Firefox.</Alert>}
                <div className="flex flex-col gap-2">
                  <Label htmlFor={`${id}-name`}>Your name</Label>
                  <Input id={`${id}-name`} autoComplete="nickname" aria-invalid={!!formState.errors.name} aria-describedby={formState.errors.name ? `${id}-name-error` : undefined} {...register('name')} />
                  {formState.errors.name && (
                    <p id={`${id}-name-error`} className="text-sm text-destructive">
                      {formState.errors.name.message}
                    </p>
                  )}
                </div>
                <Button type="submit" disabled={supported !== true}>
                  <Headphones aria-hidden="true" />
                  Join the conversation
                </Button>
              </form>
            </CardContent>
          </Card>
        )}
    </PublicPage>
  );
}

export const route = createLazyRoute('/join/$sessionId')({ component: Join });
