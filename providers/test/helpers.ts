import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { expect } from 'vitest';
import { ProviderError } from '../src/types.ts';

export const KEY = 'sk-test-0123456789abcdef';

/** Quick retries, and a timeout far above a local call's time even on a loaded runner. */
export const FAST = { timeoutMs: 3_000, retries: 1, backoffMs: 10 };
/** For the tests that wait a timeout out. */
export const SHORT_TIMEOUT = { ...FAST, timeoutMs: 200 };

/** The ElevenLabs SDK takes a second or more to load; tests load it before any clock runs. */
export const loadElevenLabs = () => import('@elevenlabs/elevenlabs-js');

export const endpoint = (kind: string, base_url: string, extra: Partial<ProviderEndpoint> = {}): ProviderEndpoint => ({
  kind,
  base_url,
  api_key: KEY,
  model: 'model-under-test',
  ...extra,
});

export async function collect<T>(items: AsyncIterable<T>, seen: T[] = []): Promise<T[]> {
  for await (const item of items) seen.push(item);
  return seen;
}

/** The promise's `ProviderError`, checked to be one and to carry no key. */
export async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect(String((error as Error).message)).not.toContain(KEY);
  return error as ProviderError;
}

export const elapsed = async (run: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};
