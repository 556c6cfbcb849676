import { LIVE_SUBPROTOCOL, LiveTranscriptMessageSchema, type LiveTranscriptLine } from '@glyphoxa/protocol';
import { useEffect, useRef, useState } from 'react';
import * as v from 'valibot';
import { currentAccessToken } from '../api/access-token.ts';

const MAX_RETRIES = 3;

export type LiveStatus = 'connecting' | 'live' | 'ended' | 'lost';

/** Each live line keyed as its stored line would be, so the two are never shown twice. */
export const lineKey = (l: { speaker_id: string; text: string }, at: string) => `${l.speaker_id}|${Date.parse(at)}|${l.text}`;

/**
 * A running session's transcript as it is spoken, over GET …/sessions/:id/live (a WebSocket;
 * the access token rides in the `bearer.` subprotocol, never the URL). `onOpen` runs once the
 * socket is up, so the caller can re-read what was stored before; `onEnded` when the edge says
 * the session is over. Lost connections are retried a few times, then left to the user.
 */
export function useLiveTranscript(tenantId: string, sessionId: string, enabled: boolean, handlers: { onOpen: () => void; onEnded: () => void }) {
  const [lines, setLines] = useState<LiveTranscriptLine[]>([]);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  // Each connection is a generation; a lost one opens the next, up to MAX_RETRIES in a row.
  const [generation, setGeneration] = useState(0);
  const retries = useRef(0);
  const { onOpen, onEnded } = handlers;

  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let ended = false;
    setStatus('connecting');
    void currentAccessToken().then((token) => {
      if (closed) return;
      const url = `${location.origin.replace(/^http/, 'ws')}/api/v1/tenants/${encodeURIComponent(tenantId)}/sessions/${encodeURIComponent(sessionId)}/live`;
      socket = new WebSocket(url, token ? [LIVE_SUBPROTOCOL, `bearer.${token}`] : [LIVE_SUBPROTOCOL]);
      socket.onopen = () => {
        retries.current = 0;
        setStatus('live');
        onOpen();
      };
      socket.onmessage = (event) => {
        const parsed = typeof event.data === 'string' ? v.safeParse(LiveTranscriptMessageSchema, safeJson(event.data)) : null;
        if (!parsed?.success) return;
        const message = parsed.output;
        if (message.type === 'line') setLines((before) => [...before, message]);
        else {
          ended = true;
          setStatus('ended');
          onEnded();
        }
      };
      socket.onclose = () => {
        if (closed || ended) return;
        setStatus('lost');
        // A deploy or a network blip: try again, a little later each time.
        const delay = 1000 * 2 ** retries.current;
        if (retries.current++ < MAX_RETRIES) setTimeout(() => !closed && setGeneration((g) => g + 1), delay);
      };
    });
    return () => {
      closed = true;
      socket?.close();
    };
  }, [tenantId, sessionId, enabled, generation, onOpen, onEnded]);

  const retry = () => {
    retries.current = 0;
    setGeneration((g) => g + 1);
  };
  return { lines, status, retry };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
