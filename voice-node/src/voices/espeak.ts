import { spawn } from 'node:child_process';
import type { ProviderEndpoint, Voice } from '@glyphoxa/protocol';
import { type PcmChunk, ProviderError, type TtsProvider, type TtsRequest } from '@glyphoxa/providers';
import { wavPcmStream } from './wav-stream.ts';

/**
 * The keyless local voice: espeak-ng (the Debian package) as a child process per
 * sentence, its WAV streamed from stdout as it is synthesized (22050 Hz mono).
 * The text goes in on stdin, never as an argument, so nothing said can be read as
 * an option; the voice name is checked against `VOICE_NAME` for the same reason.
 */

export const ESPEAK_BINARY = '/usr/bin/espeak-ng';
export const DEFAULT_ESPEAK_VOICE = 'en';
/** espeak-ng's own default rate, words per minute: speed 1. */
export const BASE_WORDS_PER_MINUTE = 175;
/** espeak-ng's accepted rates. */
const MIN_WORDS_PER_MINUTE = 80;
const MAX_WORDS_PER_MINUTE = 450;
/** A language ("en", "en-gb-x-rp") with an optional variant ("en+f3"): letters, digits, "-" and "_" only. */
const VOICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}(\+[A-Za-z0-9_-]{1,40})?$/;
/** Enough of espeak-ng's stderr to say what went wrong. */
const STDERR_CHARS = 500;

const NAME = 'espeak';

export interface EspeakOptions {
  /** The espeak-ng executable; `ESPEAK_BINARY` by default. */
  binary?: string;
}

export function createEspeakTts(options: EspeakOptions = {}): TtsProvider {
  const binary = options.binary ?? ESPEAK_BINARY;
  return { name: NAME, synthesize: (request) => synthesize(binary, request) };
}

/** NPC pitch -10..10 onto espeak-ng's -p 0..99, 0 landing on its default 50. */
export function espeakPitch(pitch: number): number {
  return Math.round(((clamp(pitch, -10, 10) + 10) / 20) * 99);
}

/** NPC speed 0.5..2 (1 = normal) onto espeak-ng's -s words per minute. */
export function espeakWordsPerMinute(speed: number): number {
  return clamp(Math.round(BASE_WORDS_PER_MINUTE * speed), MIN_WORDS_PER_MINUTE, MAX_WORDS_PER_MINUTE);
}

/** The command line for a voice; throws `ProviderError` for a voice name that is not a plain name. */
export function espeakArguments(voice: Voice): string[] {
  const name = voice.voice_id || DEFAULT_ESPEAK_VOICE;
  if (!VOICE_NAME.test(name)) throw new ProviderError(NAME, `"${name.slice(0, 40)}" is not an espeak-ng voice name`, false);
  // -b 1: the text on stdin is UTF-8. No -m: markup in the text is spoken, not obeyed.
  return ['--stdout', '--stdin', '-b', '1', '-v', name, '-p', String(espeakPitch(voice.pitch)), '-s', String(espeakWordsPerMinute(voice.speed))];
}

async function* synthesize(binary: string, request: TtsRequest): AsyncGenerator<PcmChunk> {
  const { signal } = request;
  signal?.throwIfAborted();
  const args = espeakArguments(request.voice);
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let spawnError: Error | undefined;
  let stderr = '';
  // A binary that cannot start reports 'error' and may never report 'close'.
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', resolve);
    child.once('error', (error) => {
      spawnError = error;
      resolve(null);
    });
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_CHARS)));
  // A process that dies early closes stdin under us; its exit status says why.
  child.stdin.on('error', () => {});
  child.stdin.end(request.text);
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });

  const failure = async (message: string) => {
    const code = await exited;
    signal?.throwIfAborted();
    if (spawnError) return new ProviderError(NAME, `cannot run ${binary}: ${spawnError.message}`, false);
    const why = stderr.trim() || message;
    return new ProviderError(NAME, code === 0 ? why : `exited with ${code}: ${why}`, false);
  };

  try {
    try {
      for await (const chunk of wavPcmStream(child.stdout)) {
        // Output read before the abort may still be buffered: none of it is wanted now.
        signal?.throwIfAborted();
        yield chunk;
      }
    } catch (error) {
      signal?.throwIfAborted();
      throw await failure(error instanceof Error ? error.message : String(error));
    }
    const code = await exited;
    signal?.throwIfAborted();
    if (code !== 0) throw await failure('no reason given');
  } finally {
    signal?.removeEventListener('abort', kill);
    // The consumer stopped early (or failed): the process has nothing left to do.
    if (child.exitCode === null && child.signalCode === null) kill();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Whether a voice speaks with the local espeak-ng voice: an `espeak` voice, or any voice when the tenant and the node have no TTS (or an espeak one). */
export function speaksLocally(voiceProvider: string, tts: ProviderEndpoint | undefined): boolean {
  return voiceProvider === 'espeak' || !tts || tts.kind === 'espeak';
}
