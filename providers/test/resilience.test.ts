import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/circuit-breaker.ts';
import { Resilience, VendorFailure } from '../src/resilience.ts';
import { ProviderError } from '../src/types.ts';
import { collect } from './helpers.ts';

const httpError = (status: number, message = `${status} vendor says no`) => Object.assign(new Error(message), { status });

/** An attempt that fails with the next queued error, or streams `items` once the queue is empty. */
function scripted<T>(items: T[], failures: unknown[]) {
  const calls: number[] = [];
  const attempt = async function* (): AsyncGenerator<T> {
    calls.push(Date.now());
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    yield* items;
  };
  return { attempt, calls };
}

const guard = (options = {}, secret?: string) => new Resilience('vendor', { timeoutMs: 200, retries: 2, backoffMs: 5, ...options }, secret);

describe('Resilience', () => {
  it('retries transient failures (5xx, 429, 408, network) within the bound', async () => {
    const { attempt, calls } = scripted(['a', 'b'], [httpError(503), httpError(429)]);
    expect(await collect(guard().stream(undefined, attempt))).toEqual(['a', 'b']);
    expect(calls).toHaveLength(3);

    const exhausted = scripted(['a'], [httpError(408), new TypeError('fetch failed'), httpError(500)]);
    const error = await collect(guard().stream(undefined, exhausted.attempt)).catch((reason: unknown) => reason);
    expect(error).toEqual(new ProviderError('vendor', 'HTTP 500: vendor says no', true, 500));
    expect(exhausted.calls).toHaveLength(3);
  });

  it('does not retry a client error or a bad reply', async () => {
    for (const failure of [httpError(400), httpError(401), new VendorFailure('reply without text', false)]) {
      const { attempt, calls } = scripted(['a'], [failure]);
      await expect(collect(guard().stream(undefined, attempt))).rejects.toMatchObject({ retryable: false });
      expect(calls).toHaveLength(1);
    }
  });

  it('does not retry once an item reached the caller, and says so', async () => {
    let calls = 0;
    const attempt = async function* () {
      calls++;
      yield 'first';
      throw new TypeError('terminated');
    };
    const seen: string[] = [];
    const error = await collect(guard().stream(undefined, attempt), seen).catch((reason: unknown) => reason);

    expect(seen).toEqual(['first']);
    expect(error).toEqual(new ProviderError('vendor', 'network error: terminated', false));
    expect(calls).toBe(1);
  });

  it('times out a stall before the first item and between items, not while the caller holds one', async () => {
    const stall = async function* () {
      yield 'first';
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      yield 'never';
    };
    const seen: string[] = [];
    const error = await collect(guard({ retries: 0 }).stream(undefined, stall), seen).catch((reason: unknown) => reason);
    expect(seen).toEqual(['first']);
    expect(error).toEqual(new ProviderError('vendor', 'no response within 200 ms', false));

    const steady = async function* () {
      yield 1;
      yield 2;
    };
    const slowConsumer: number[] = [];
    for await (const item of guard({ retries: 0 }).stream(undefined, steady)) {
      slowConsumer.push(item);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(slowConsumer).toEqual([1, 2]);
  });

  it('aborts the attempt it gave up on', async () => {
    let aborted: AbortSignal | undefined;
    const hang = (signal: AbortSignal) => {
      aborted = signal;
      return new Promise<string>(() => {});
    };
    await expect(guard({ retries: 0 }).call(undefined, hang)).rejects.toMatchObject({ retryable: true });
    expect(aborted?.aborted).toBe(true);
  });

  it('starts the timeout only when `ready` resolves', async () => {
    let ready = () => {};
    const readiness = new Promise<void>((resolve) => (ready = resolve));
    const result = guard({ retries: 0 }).call(undefined, () => new Promise<string>((resolve) => setTimeout(() => resolve('late but fine'), 350)), readiness);
    setTimeout(ready, 250);

    expect(await result).toBe('late but fine');
  });

  it("ends with the caller's abort reason, without retrying or counting a failure", async () => {
    const resilience = guard({ breakerThreshold: 1 });
    const controller = new AbortController();
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<string>(() => {});
    };
    const result = resilience.call(controller.signal, slow);
    controller.abort();

    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
    expect(await resilience.call(undefined, async () => 'still closed')).toBe('still closed');
  });

  it('opens the circuit after consecutive transient failures, fails fast, and closes again after the cool-down', async () => {
    const resilience = guard({ retries: 0, breakerThreshold: 2, breakerCoolDownMs: 100 });
    const { attempt, calls } = scripted(['ok'], [httpError(503), httpError(503)]);
    await expect(collect(resilience.stream(undefined, attempt))).rejects.toMatchObject({ retryable: true });
    await expect(collect(resilience.stream(undefined, attempt))).rejects.toMatchObject({ retryable: true });
    await expect(collect(resilience.stream(undefined, attempt))).rejects.toEqual(
      new ProviderError('vendor', 'temporarily unavailable after repeated failures', false),
    );
    expect(calls).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await collect(resilience.stream(undefined, attempt))).toEqual(['ok']);
  });

  it('does not count client errors towards the circuit', async () => {
    const resilience = guard({ retries: 0, breakerThreshold: 2 });
    for (let call = 0; call < 3; call++) await expect(resilience.call(undefined, () => Promise.reject(httpError(400)))).rejects.toMatchObject({ retryable: false });
    expect(await resilience.call(undefined, async () => 'open for business')).toBe('open for business');
  });

  it('keeps the key out of messages, and vendor documents down to their message', async () => {
    const secret = 'sk-live-abcdef123456';
    const resilience = guard({ retries: 0 }, secret);
    const leaky = httpError(401, `401 {"error":{"message":"Incorrect API key provided: ${secret}.","type":"invalid_request_error"}}`);
    const error = await resilience.call(undefined, () => Promise.reject(leaky)).catch((reason: unknown) => reason);

    expect(error).toEqual(new ProviderError('vendor', 'HTTP 401: Incorrect API key provided: [key].', false, 401));
    const network = await resilience.call(undefined, () => Promise.reject(new Error(`connect to https://x?key=${secret} failed`))).catch((reason: unknown) => reason);
    expect((network as Error).message).toBe('vendor: network error: connect to https://x?key=[key] failed');
  });
});

describe('CircuitBreaker', () => {
  it('opens per key after the threshold, until the cool-down, and a success resets the count', () => {
    const breaker = new CircuitBreaker(2, 1_000);
    breaker.failure('a', 0);
    expect(breaker.isOpen('a', 0)).toBe(false);
    breaker.success('a');
    breaker.failure('a', 0);
    expect(breaker.isOpen('a', 0)).toBe(false);
    breaker.failure('a', 10);
    expect(breaker.isOpen('a', 10)).toBe(true);
    expect(breaker.isOpen('b', 10)).toBe(false);
    expect(breaker.isOpen('a', 1_010)).toBe(false);
    breaker.failure('a', 1_010);
    expect(breaker.isOpen('a', 1_010)).toBe(true);
  });
});
