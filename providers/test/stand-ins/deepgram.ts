/**
 * Deepgram's live transcription WebSocket, `/v1/listen`: linear16 16 kHz mono audio
 * arrives as binary messages; at `{"type":"CloseStream"}` the server sends one final
 * `Results` message per sentence of the transcript (`is_final: true`), then `Metadata`,
 * and closes with 1000. The key comes as `Authorization: Token <key>` or as the
 * `token, <key>` subprotocol pair browsers use.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { bytesToPcm } from '../../src/pcm.ts';
import { durationTranscript, STT_SAMPLE_RATE, type TranscriptScript } from './script.ts';
import { type RecordedRequest, sleep, StandIn, type StandInOptions, type Upgrade } from './server.ts';

export interface DeepgramStandInOptions extends StandInOptions {
  transcript?: TranscriptScript;
}

/** What a connection sent, in the request's record (`body`), kept up to date while it is open. */
export interface DeepgramSession {
  audioBytes: number;
  /** Text messages (CloseStream, KeepAlive...), parsed. */
  controls: unknown[];
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
        throw new Error(`this stand-in only listens on WebSocket /v1/listen, not ${request.method} ${request.path}`);
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

function listen(ws: WebSocket, { request, fault, standIn }: Upgrade, transcript: TranscriptScript): void {
  const session: DeepgramSession = { audioBytes: 0, controls: [] };
  request.body = session;
  const audio: Uint8Array[] = [];
  ws.on('message', (data, isBinary) => {
    const bytes = new Uint8Array(data as Buffer);
    if (isBinary) {
      if (fault && 'dropAfterChunks' in fault && audio.length === fault.dropAfterChunks) {
        ws.terminate();
        return;
      }
      audio.push(bytes);
      session.audioBytes += bytes.length;
      return;
    }
    const control = JSON.parse(new TextDecoder().decode(bytes)) as { type?: string };
    session.controls.push(control);
    if (control.type === 'CloseStream' && !(fault && 'hang' in fault)) void finish(ws, audio, transcript, standIn);
  });
}

async function finish(ws: WebSocket, audio: Uint8Array[], transcript: TranscriptScript, standIn: StandIn): Promise<void> {
  await sleep(standIn.latency.firstByteMs);
  const all = new Uint8Array(audio.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of audio) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  const samples = bytesToPcm(all);
  const duration = samples.length / STT_SAMPLE_RATE;
  const sentences = transcript(samples).split(/(?<=[.!?])\s+/).filter(Boolean);
  for (const [index, sentence] of sentences.entries()) {
    if (index > 0) await sleep(standIn.latency.chunkMs);
    const start = (duration * index) / sentences.length;
    ws.send(
      JSON.stringify({
        type: 'Results',
        channel_index: [0, 1],
        duration: duration / sentences.length,
        start,
        is_final: true,
        speech_final: index === sentences.length - 1,
        channel: { alternatives: [{ transcript: sentence, confidence: 0.99, words: [] }] },
        metadata: { request_id: 'stand-in', model_info: { name: 'stand-in', version: '1', arch: 'stand-in' }, model_uuid: 'stand-in' },
        from_finalize: false,
      }),
    );
  }
  ws.send(JSON.stringify({ type: 'Metadata', transaction_key: 'deprecated', request_id: 'stand-in', sha256: '', created: new Date().toISOString(), duration, channels: 1 }));
  ws.close(1000);
}
