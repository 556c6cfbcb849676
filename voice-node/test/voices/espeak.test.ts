import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Voice } from '@glyphoxa/protocol';
import { ProviderError, type TtsProvider } from '@glyphoxa/providers';
import { afterAll, describe, expect, it } from 'vitest';
import { createEspeakTts, ESPEAK_BINARY, espeakArguments, espeakPitch, espeakWordsPerMinute } from '../../src/voices/espeak.ts';

const VOICE: Voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };
const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
const tts = createEspeakTts();

async function render(provider: TtsProvider, text: string, voice: Partial<Voice> = {}) {
  const parts: Int16Array[] = [];
  const rates = new Set<number>();
  for await (const chunk of provider.synthesize({ text, voice: { ...VOICE, ...voice } })) {
    parts.push(chunk.samples);
    rates.add(chunk.sampleRate);
  }
  const samples = new Int16Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((offset, part) => (samples.set(part, offset), offset + part.length), 0);
  return { samples, rates: [...rates], chunks: parts.length };
}

/** Median fundamental frequency of the loud 40 ms frames, by autocorrelation (60..400 Hz). */
function medianPitch(samples: Int16Array, rate: number): number {
  const frame = Math.round(rate * 0.04);
  const [minLag, maxLag] = [Math.round(rate / 400), Math.round(rate / 60)];
  const estimates: number[] = [];
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += samples[start + i]! ** 2;
    if (energy / frame < 1000 ** 2) continue;
    let [best, bestLag] = [0, 0];
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0;
      for (let i = 0; i < frame; i++) sum += samples[start + i]! * samples[start + i + lag]!;
      if (sum > best) [best, bestLag] = [sum, lag];
    }
    if (bestLag) estimates.push(rate / bestLag);
  }
  return estimates.sort((a, b) => a - b)[estimates.length >> 1] ?? 0;
}

const scratch = mkdtempSync(join(tmpdir(), 'espeak-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** espeak-ng behind a script that writes down its process id (exec keeps the id). */
function recordingEspeak(): { provider: TtsProvider; pid: () => number } {
  const pidFile = join(scratch, `pid-${Math.random().toString(36).slice(2)}`);
  const script = join(scratch, `espeak-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(script, `#!/bin/sh\necho $$ > '${pidFile}'\nexec '${ESPEAK_BINARY}' "$@"\n`);
  chmodSync(script, 0o755);
  return { provider: createEspeakTts({ binary: script }), pid: () => Number(readFileSync(pidFile, 'utf8')) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntilDead(pid: number, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return !alive(pid);
}

describe('espeak-ng voice', () => {
  it('maps NPC pitch and speed onto espeak-ng options', () => {
    expect([-10, 0, 10].map(espeakPitch)).toEqual([0, 50, 99]);
    expect([0.5, 1, 2].map(espeakWordsPerMinute)).toEqual([88, 175, 350]);
    expect(espeakArguments({ ...VOICE, voice_id: 'en-gb-x-rp+f3', pitch: 10, speed: 2 })).toEqual([
      '--stdout', '--stdin', '-b', '1', '-v', 'en-gb-x-rp+f3', '-p', '99', '-s', '350',
    ]);
  });

  it('streams speech as 22050 Hz PCM', async () => {
    const { samples, rates, chunks } = await render(tts, SENTENCE);
    expect(rates).toEqual([22050]);
    expect(samples.length / 22050).toBeGreaterThan(1);
    expect(chunks).toBeGreaterThan(1);
    expect(Math.max(...samples.subarray(0, 22050 * 2).map(Math.abs))).toBeGreaterThan(1000);
  });

  it('speaks faster and higher as the voice says', async () => {
    const [slow, fast, low, high] = await Promise.all([
      render(tts, SENTENCE, { speed: 0.5 }),
      render(tts, SENTENCE, { speed: 2 }),
      render(tts, SENTENCE, { pitch: -10 }),
      render(tts, SENTENCE, { pitch: 10 }),
    ]);
    expect(fast.samples.length).toBeLessThan(slow.samples.length * 0.6);
    expect(medianPitch(high.samples, 22050)).toBeGreaterThan(medianPitch(low.samples, 22050) * 1.3);
  });

  it('speaks text that looks like options instead of obeying it', async () => {
    for (const text of ['--version', '-v xx -w /tmp/out.wav hello']) {
      const { samples, rates } = await render(tts, text);
      expect(rates).toEqual([22050]);
      expect(samples.length / 22050).toBeGreaterThan(0.3);
    }
  });

  it('kills espeak-ng promptly when aborted', async () => {
    const { provider, pid } = recordingEspeak();
    const controller = new AbortController();
    const iterator = provider.synthesize({ text: SENTENCE.repeat(200), voice: VOICE, signal: controller.signal })[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(alive(pid())).toBe(true);
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await waitUntilDead(pid())).toBe(true);
  });

  it('kills espeak-ng when the consumer stops reading', async () => {
    const { provider, pid } = recordingEspeak();
    for await (const chunk of provider.synthesize({ text: SENTENCE.repeat(200), voice: VOICE })) {
      expect(chunk.samples.length).toBeGreaterThan(0);
      break;
    }
    expect(await waitUntilDead(pid())).toBe(true);
  });

  it('does not start when already aborted', async () => {
    const signal = AbortSignal.abort();
    await expect(render({ name: 'x', synthesize: (r) => tts.synthesize({ ...r, signal }) }, SENTENCE)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails as a ProviderError: unsafe voice names, unknown voices, a missing binary', async () => {
    for (const voice_id of ['-w', '../../etc/passwd', 'en us', 'en;rm']) {
      await expect(render(tts, 'hi', { voice_id })).rejects.toThrow(ProviderError);
    }
    const unknown = render(tts, 'hi', { voice_id: 'nonexistent' });
    await expect(unknown).rejects.toThrow(ProviderError);
    await expect(unknown).rejects.toThrow(/voice does not exist/);
    const missing = render(createEspeakTts({ binary: join(scratch, 'no-espeak') }), 'hi');
    await expect(missing).rejects.toMatchObject({ name: 'ProviderError', provider: 'espeak', retryable: false });
  });
});
