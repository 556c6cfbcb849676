/**
 * ElevenLabs: streamed text to speech (`POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_24000`,
 * raw 24 kHz s16le bytes as they are made) and speech to text (`POST /v1/speech-to-text`,
 * multipart with `model_id` and `file`). Keys come in the `xi-api-key` header.
 */
import { durationTranscript, oddChunks, toneFor, type TranscriptScript } from './script.ts';
import { type MultipartBody, type RecordedRequest, type Reply, StandIn, type StandInOptions } from './server.ts';
import { readWav } from './wav-reader.ts';

export interface ElevenLabsStandInOptions extends StandInOptions {
  transcript?: TranscriptScript;
}

interface SpeechBody {
  text?: unknown;
  model_id?: unknown;
  voice_settings?: { speed?: number };
}

const TTS_ROUTE = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;

export function startElevenLabsStandIn(options: ElevenLabsStandInOptions = {}): Promise<StandIn> {
  const transcript = options.transcript ?? durationTranscript;
  return StandIn.start(
    {
      keyOf: (request) => request.headers['xi-api-key'],
      errorBody: (status, message) => ({ detail: { status: status === 401 ? 'invalid_api_key' : 'error', message } }),
      handle(request) {
        if (request.method === 'POST' && TTS_ROUTE.test(request.path)) return speech(request);
        if (request.method === 'POST' && request.path === '/v1/speech-to-text') return recognition(request, transcript);
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
