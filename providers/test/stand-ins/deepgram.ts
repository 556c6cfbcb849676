/**
 * Deepgram's speech to text, both ways. Live (`/v1/listen` over WebSocket): linear16
 * 16 kHz mono audio arrives as binary messages; with `interim_results=true` the server
 * sends interim `Results` (`is_final: false`) as audio comes; at `{"type":"Finalize"}`
 * it sends the final `Results` for the audio so far, one per sentence, the last marked
 * `from_finalize`; at `{"type":"CloseStream"}` it finalizes what is left, sends
 * `Metadata` and closes with 1000. Prerecorded (`POST /v1/listen`, a WAV body): one JSON
 * reply. The key comes as `Authorization: Token <key>` or as the `token, <key>`
 * subprotocol pair browsers use.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { bytesToPcm } from '../../src/pcm.ts';
import { durationTranscript, type TranscriptScript } from './script.ts';
import { type RecordedRequest, type Reply, StandIn, type StandInOptions, type Upgrade } from './server.ts';
import { StreamingTranscriber } from './streaming.ts';
import { readWav } from './wav-reader.ts';

export interface DeepgramStandInOptions extends StandInOptions {
  transcript?: TranscriptScript;
}

/** What a connection sent, in the request's record (`body`), kept up to date while it is open. */
export interface DeepgramSession {
  audioBytes: number;
  /** Text messages (Finalize, CloseStream, KeepAlive...), parsed. */
  controls: unknown[];
  /** Interim transcripts sent, in order. */
  interims: string[];
}

export function startDeepgramStandIn(options: DeepgramStandInOptions = {}): Promise<StandIn> {
  const transcript = options.transcript ?? durationTranscript;
  const server = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false) });
  return StandIn.start(
    {
      scheme: 'ws',
      keyOf,
      errorBody: (status, message) => ({ err_code: status === 401 ? 'INVALID_AUTH' : 'REQUEST_FAILED', err_msg: message, request_id: 'stand-in' }),
      handle(request) {
        if (request.method === 'POST' && request.path === '/v1/listen') return prerecorded(request, transcript);
        throw new Error(`unknown route ${request.method} ${request.path}`);
      },
      upgrade(upgrade) {
        const { query, path } = upgrade.request;
        if (path !== '/v1/listen' || query.encoding !== 'linear16' || query.sample_rate !== '16000' || query.channels !== '1') {
          upgrade.socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
          return;
        }
        server.handleUpgrade(upgrade.req, upgrade.socket, upgrade.head, (ws) => listen(ws, upgrade, transcript));
      },
    },
    options,
  );
}

function keyOf(request: RecordedRequest): string | undefined {
  const header = /^Token (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const protocols = request.headers['sec-websocket-protocol']?.split(',').map((part) => part.trim());
  return header ?? (protocols?.[0] === 'token' ? protocols[1] : undefined);
}

function prerecorded(request: RecordedRequest, transcript: TranscriptScript): Reply {
  if (!request.query.model) throw new Error('model is required');
  if (!(request.body instanceof Uint8Array)) throw new Error('the audio is required as the body');
  const samples = readWav(request.body);
  const text = samples.length === 0 ? '' : transcript(samples, { final: true });
  const duration = samples.length / 16_000;
  return {
    json: {
      metadata: { request_id: 'stand-in', created: new Date().toISOString(), duration, channels: 1, models: ['stand-in'], model_info: {} },
      results: { channels: [{ alternatives: [{ transcript: text, confidence: 0.99, words: [] }] }] },
    },
  };
}

function listen(ws: WebSocket, { request, fault, standIn }: Upgrade, transcript: TranscriptScript): void {
  const session: DeepgramSession = { audioBytes: 0, controls: [], interims: [] };
  request.body = session;
  const heard = new StreamingTranscriber(transcript, standIn);
  const interims = request.query.interim_results === 'true';
  let chunks = 0;
  let last = Promise.resolve();
  // Replies go out in the order their requests came, whatever each one waits.
  const then = (work: () => Promise<void>) => (last = last.then(work).catch(() => {}));
  ws.on('message', (data, isBinary) => {
    const bytes = new Uint8Array(data as Buffer);
    if (isBinary) {
      if (fault && 'dropAfterChunks' in fault && chunks === fault.dropAfterChunks) {
        ws.terminate();
        return;
      }
      chunks += 1;
      session.audioBytes += bytes.length;
      const interim = heard.push(bytesToPcm(bytes));
      if (interim !== undefined && interims) {
        session.interims.push(interim);
        then(async () => ws.send(results(interim, heard.seconds, { is_final: false })));
      }
      return;
    }
    const control = JSON.parse(new TextDecoder().decode(bytes)) as { type?: string };
    session.controls.push(control);
    if (fault && 'hang' in fault) return;
    if (control.type === 'Finalize') then(() => finalize(ws, heard, true));
    if (control.type === 'CloseStream') {
      then(async () => {
        await finalize(ws, heard, false);
        ws.send(JSON.stringify({ type: 'Metadata', transaction_key: 'deprecated', request_id: 'stand-in', sha256: '', created: new Date().toISOString(), duration: 0, channels: 1 }));
        ws.close(1000);
      });
    }
  });
}

/** The final Results for the audio so far, one per sentence; nothing for no audio unless Finalize asked. */
async function finalize(ws: WebSocket, heard: StreamingTranscriber, fromFinalize: boolean): Promise<void> {
  if (heard.seconds === 0 && !fromFinalize) return;
  const { text, seconds } = await heard.final();
  const sentences = text.split(/(?<=[.!?])\s+/).filter(Boolean);
  if (sentences.length === 0) sentences.push('');
  for (const [index, sentence] of sentences.entries()) {
    const last = index === sentences.length - 1;
    ws.send(results(sentence, seconds / sentences.length, { is_final: true, speech_final: last, from_finalize: fromFinalize && last }));
  }
}

function results(transcript: string, duration: number, flags: { is_final: boolean; speech_final?: boolean; from_finalize?: boolean }): string {
  return JSON.stringify({
    type: 'Results',
    channel_index: [0, 1],
    duration,
    start: 0,
    speech_final: false,
    from_finalize: false,
    ...flags,
    channel: { alternatives: [{ transcript, confidence: 0.99, words: [] }] },
    metadata: { request_id: 'stand-in', model_info: { name: 'stand-in', version: '1', arch: 'stand-in' }, model_uuid: 'stand-in' },
  });
}
