import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../errors.ts';

/**
 * A request the control plane turns down, with a message a DM can act on.
 * Durable Object RPC returns it as a value (thrown errors lose their fields on
 * the way across), and routes turn it into an ApiError.
 */
export interface Refusal {
  ok: false;
  status: ContentfulStatusCode;
  code: string;
  message: string;
  /** Seconds the caller should wait before trying again (the `Retry-After` of the answer). */
  retryAfter?: number;
}

export type Outcome<T> = { ok: true; value: T } | Refusal;

export const refuse = (status: ContentfulStatusCode, code: string, message: string, retryAfter?: number): Refusal => ({
  ok: false,
  status,
  code,
  message,
  ...(retryAfter !== undefined && { retryAfter }),
});

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** The answer as a route needs it: the value, or the refusal thrown as an ApiError. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new ApiError(outcome.status, outcome.code, outcome.message, undefined, outcome.retryAfter);
}
