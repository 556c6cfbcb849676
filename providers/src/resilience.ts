import { CircuitBreaker } from './circuit-breaker.ts';
import { ProviderError } from './types.ts';

/**
 * How one provider instance guards its vendor calls. Vendor SDKs get no retries
 * and no timeouts of their own that could fire first, so these are the only rules:
 * a call that stalls fails, a failure before any output is retried, and a vendor
 * that keeps failing is not called at all for a while.
 */
export interface ResilienceOptions {
  /** An attempt that produces nothing for this long fails: no first token or byte, no next chunk, no transcript. */
  timeoutMs?: number;
  /** Further attempts after a transient failure (timeout, network, 408, 429, 5xx); only while no output was delivered. */
  retries?: number;
  /** Wait before the first retry; it doubles for each further one, with jitter. */
  backoffMs?: number;
  /** Consecutive transient failures that open the circuit... */
  breakerThreshold?: number;
  /** ...which then fails every call at once for this long. */
  breakerCoolDownMs?: number;
}

const DEFAULTS: Required<ResilienceOptions> = {
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 200,
  breakerThreshold: 5,
  breakerCoolDownMs: 30_000,
};

/** What an adapter throws for a failure its SDK did not report: a bad reply (permanent) or a lost connection (transient). */
export class VendorFailure extends Error {
  readonly transient: boolean;
  constructor(message: string, transient: boolean) {
    super(message);
    this.transient = transient;
  }
}

const MAX_MESSAGE = 300;

export class Resilience {
  private readonly provider: string;
  private readonly options: Required<ResilienceOptions>;
  private readonly breaker: CircuitBreaker;
  private readonly secret: string | undefined;

  /** `secret` (the API key) is scrubbed from every message, whatever the SDK put in it. */
  constructor(provider: string, options: ResilienceOptions = {}, secret?: string) {
    this.provider = provider;
    this.options = { ...DEFAULTS, ...options };
    this.breaker = new CircuitBreaker(this.options.breakerThreshold, this.options.breakerCoolDownMs);
    this.secret = secret || undefined;
  }

  /**
   * Runs `attempt` (given a signal that ends it) and passes its items on. Failures
   * become `ProviderError`s; a caller's abort ends the stream with the signal's
   * reason instead and counts against nothing. `ready`, if given, holds the timeout
   * back until it settles (a transcript is only due once the utterance ended; a
   * lazily loaded SDK is not the vendor's delay). `retries` overrides the provider's for this call.
   */
  async *stream<T>(
    signal: AbortSignal | undefined,
    attempt: (signal: AbortSignal) => AsyncIterable<T>,
    ready?: Promise<unknown>,
    retries = this.options.retries,
  ): AsyncGenerator<T> {
    for (let retry = 0; ; retry++) {
      if (this.breaker.isOpen(this.provider)) throw this.error('temporarily unavailable after repeated failures', false);
      const guard = new AttemptGuard(signal, this.options.timeoutMs, ready);
      let delivered = false;
      try {
        const iterator = attempt(guard.signal)[Symbol.asyncIterator]();
        try {
          for (;;) {
            const next = await guard.race(iterator.next());
            if (next.done) return;
            if (!delivered) this.breaker.success(this.provider);
            delivered = true;
            yield next.value;
          }
        } finally {
          guard.dispose();
          // Ends the vendor's iterator (its connection) without waiting on a stalled one.
          iterator.return?.().catch(() => {});
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const { message, transient, status } = guard.timedOut
          ? { message: `no response within ${this.options.timeoutMs} ms`, transient: true, status: undefined }
          : classify(error);
        if (transient) this.breaker.failure(this.provider);
        // Output already went to the caller: a second attempt would repeat it.
        if (delivered || !transient || retry >= retries) throw this.error(message, transient && !delivered, status);
        await sleep(this.options.backoffMs * 2 ** retry * (0.5 + Math.random() / 2), signal);
      }
    }
  }

  /** One result (a transcript), under the same rules as `stream`. */
  async call<T>(signal: AbortSignal | undefined, attempt: (signal: AbortSignal) => Promise<T>, ready?: Promise<unknown>, retries?: number): Promise<T> {
    for await (const result of this.stream(signal, async function* (inner) { yield await attempt(inner); }, ready, retries)) return result;
    throw this.error('no result', false);
  }

  private error(message: string, retryable: boolean, status?: number): ProviderError {
    const safe = this.secret ? message.replaceAll(this.secret, '[key]') : message;
    return new ProviderError(this.provider, safe.replace(/\s+/g, ' ').slice(0, MAX_MESSAGE), retryable, status);
  }
}

/** A vendor failure in words safe to show, and whether it may pass if tried again. */
function classify(error: unknown): { message: string; transient: boolean; status?: number } {
  if (error instanceof VendorFailure) return { message: error.message, transient: error.transient };
  const message = error instanceof Error ? error.message : String(error);
  const status = httpStatus(error);
  if (status !== undefined) {
    return { message: `HTTP ${status}: ${vendorMessage(message)}`, transient: status === 408 || status === 429 || status >= 500, status };
  }
  // No status: the request never got an answer (refused, reset, cut off mid-stream).
  return { message: `network error: ${message}`, transient: true };
}

/**
 * The vendor's own words from an SDK's error message, which often repeats the
 * status and dumps the error document (`503 {"error":{"message":"..."}}`).
 */
function vendorMessage(message: string): string {
  const rest = message.replace(/^(?:Status code: )?\d{3}\b\s*/, '');
  const start = rest.indexOf('{');
  if (start < 0) return rest;
  try {
    const body = JSON.parse(rest.slice(start)) as { message?: unknown; err_msg?: unknown; error?: { message?: unknown }; detail?: { message?: unknown } };
    const found = body.error?.message ?? body.detail?.message ?? body.message ?? body.err_msg;
    return typeof found === 'string' ? found : rest;
  } catch {
    return rest;
  }
}

/** SDKs put the status on their errors: `status` (OpenAI, Anthropic, Google; our Deepgram upgrade) or `statusCode` (ElevenLabs). */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One attempt's signal and stall timer. The timer runs only while the attempt is
 * awaited (not while the caller holds an item) and, with `ready`, only once that settled.
 */
class AttemptGuard {
  timedOut = false;
  private readonly controller = new AbortController();
  private readonly outer: AbortSignal | undefined;
  private readonly timeoutMs: number;
  private readonly aborted: Promise<never>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ready: boolean;
  private waiting = false;

  constructor(outer: AbortSignal | undefined, timeoutMs: number, ready: Promise<unknown> | undefined) {
    this.outer = outer;
    this.timeoutMs = timeoutMs;
    this.ready = ready === undefined;
    // Settled either way: a failed `ready` (an SDK that did not load) fails the attempt itself.
    const onReady = () => {
      this.ready = true;
      if (this.waiting) this.arm();
    };
    ready?.then(onReady, onReady);
    this.aborted = new Promise((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(this.controller.signal.reason), { once: true });
    });
    this.aborted.catch(() => {});
    if (outer?.aborted) this.controller.abort(outer.reason);
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waits for the attempt's next step, or fails when it stalls or is aborted. */
  async race<T>(step: Promise<T>): Promise<T> {
    // A step abandoned here may still reject later; that is expected, not unhandled.
    step.catch(() => {});
    this.waiting = true;
    if (this.ready) this.arm();
    try {
      return await Promise.race([step, this.aborted]);
    } finally {
      this.waiting = false;
      clearTimeout(this.timer);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
    this.controller.abort();
  }

  private readonly onOuterAbort = () => this.controller.abort(this.outer?.reason);

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timed out'));
    }, this.timeoutMs);
  }
}
