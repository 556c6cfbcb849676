/**
 * ElevenLabs: streamed text to speech (`POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_24000`,
 * raw 24 kHz s16le bytes as they are made), speech to text (`POST /v1/speech-to-text`,
 * multipart with `model_id` and `file`) and realtime speech to text (WebSocket
 * `/v1/speech-to-text/realtime`: `session_started` on open, `input_audio_chunk`
 * messages of base64 PCM in, `partial_transcript` as audio comes, `committed_transcript`
 * after a chunk with `commit: true`) and instant voice cloning (`POST /v1/voices/add`,
 * multipart with `name` and `files`, answering `{voice_id}`; `GET` and `DELETE
 * /v1/voices/{voice_id}`, 404 `voice_not_found` for a voice it never made or already
 * deleted). Keys come in the `xi-api-key` header.
 */
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { bytesToPcm } from '../../src/pcm.ts';
import { durationTranscript, oddChunks, toneFor, type TranscriptScript } from './script.ts';
import { type MultipartBody, type RecordedRequest, type Reply, StandIn, type StandInOptions, type Upgrade, VendorError } from './server.ts';
import { StreamingTranscriber } from './streaming.ts';
import { readWav } from './wav-reader.ts';

/** What a realtime connection sent, in the request's record (`body`), kept up to date while it is open. */
export interface ScribeSession {
  audioBytes: number;
  commits: number;
  partials: string[];
}

export interface ElevenLabsStandInOptions extends StandInOptions {
  transcript?: TranscriptScript;
}

interface SpeechBody {
  text?: unknown;
  model_id?: unknown;
  voice_settings?: { speed?: number };
}

const TTS_ROUTE = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;
const VOICE_ROUTE = /^\/v1\/voices\/([^/]+)$/;

export function startElevenLabsStandIn(options: ElevenLabsStandInOptions = {}): Promise<StandIn> {
  const transcript = options.transcript ?? durationTranscript;
  const server = new WebSocketServer({ noServer: true });
  const voices = new Map<string, string>();
  return StandIn.start(
    {
      upgrade(upgrade) {
        const { path, query } = upgrade.request;
        if (path !== '/v1/speech-to-text/realtime' || !query.model_id || query.audio_format !== 'pcm_16000') {
          upgrade.socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
          return;
        }
        server.handleUpgrade(upgrade.req, upgrade.socket, upgrade.head, (ws) => realtime(ws, upgrade, transcript));
      },
      keyOf: (request) => request.headers['xi-api-key'],
      errorBody: (status, message) => ({ detail: { status: status === 401 ? 'invalid_api_key' : 'error', message } }),
      handle(request) {
        if (request.method === 'POST' && TTS_ROUTE.test(request.path)) return speech(request);
        if (request.method === 'POST' && request.path === '/v1/speech-to-text') return recognition(request, transcript);
        if (request.method === 'POST' && request.path === '/v1/voices/add') return cloneVoice(request, voices);
        const voice = VOICE_ROUTE.exec(request.path);
        if (voice && (request.method === 'GET' || request.method === 'DELETE')) return voiceById(request.method, voice[1]!, voices);
        throw new Error(`unknown route ${request.method} ${request.path}`);
      },
    },
    options,
  );
}

function speech(request: RecordedRequest): Reply {
  const body = request.body as SpeechBody;
  if (typeof body.text !== 'string') throw new Error('text is required');
  if (request.query.output_format !== 'pcm_24000') throw new Error('this stand-in speaks output_format=pcm_24000 only');
  return { chunks: oddChunks(toneFor(body.text)), contentType: 'audio/pcm' };
}

function recognition(request: RecordedRequest, transcript: TranscriptScript): Reply {
  const form = request.body as MultipartBody | undefined;
  const file = form?.files.file;
  if (!form?.fields.model_id || !file) throw new Error('model_id and file are required');
  const text = transcript(readWav(file.bytes), { final: true });
  const words = text.split(' ').map((word, index) => ({ text: word, start: index * 0.3, end: index * 0.3 + 0.25, type: 'word', logprob: 0 }));
  return { json: { language_code: form.fields.language_code ?? 'en', language_probability: 1, text, words } };
}

function cloneVoice(request: RecordedRequest, voices: Map<string, string>): Reply {
  const form = request.body as MultipartBody | undefined;
  const file = form?.files.files;
  if (!form?.fields.name || !file || file.bytes.length === 0) throw new Error('name and files are required');
  const voiceId = randomBytes(10).toString('base64url');
  voices.set(voiceId, form.fields.name);
  return { json: { voice_id: voiceId, requires_verification: false } };
}

function voiceById(method: string, voiceId: string, voices: Map<string, string>): Reply {
  const name = voices.get(voiceId);
  if (name === undefined) throw new VendorError(404, { detail: { status: 'voice_not_found', message: `A voice with the voice_id ${voiceId} was not found.` } });
  if (method === 'GET') return { json: { voice_id: voiceId, name, category: 'cloned', samples: [] } };
  voices.delete(voiceId);
  return { json: { status: 'ok' } };
}

function realtime(ws: WebSocket, { request, fault, standIn }: Upgrade, transcript: TranscriptScript): void {
  const session: ScribeSession = { audioBytes: 0, commits: 0, partials: [] };
  request.body = session;
  const heard = new StreamingTranscriber(transcript, standIn);
  let chunks = 0;
  let last = Promise.resolve();
  const then = (work: () => Promise<void>) => (last = last.then(work).catch(() => {}));
  ws.send(JSON.stringify({ message_type: 'session_started', session_id: 'stand-in', config: { sample_rate: 16_000, audio_format: 'pcm_16000', model_id: request.query.model_id } }));
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { message_type?: string; audio_base_64?: string; commit?: boolean };
    if (message.message_type !== 'input_audio_chunk') {
      ws.send(JSON.stringify({ message_type: 'input_error', error: `unknown message ${message.message_type}` }));
      return;
    }
    const bytes = Buffer.from(message.audio_base_64 ?? '', 'base64');
    if (bytes.length > 0) {
      if (fault && 'dropAfterChunks' in fault && chunks === fault.dropAfterChunks) return void ws.terminate();
      chunks += 1;
      session.audioBytes += bytes.length;
      const interim = heard.push(bytesToPcm(new Uint8Array(bytes)));
      if (interim !== undefined) {
        session.partials.push(interim);
        then(async () => ws.send(JSON.stringify({ message_type: 'partial_transcript', text: interim })));
      }
    }
    if (message.commit && !(fault && 'hang' in fault)) {
      session.commits += 1;
      then(async () => ws.send(JSON.stringify({ message_type: 'committed_transcript', text: (await heard.final()).text })));
    }
  });
}
