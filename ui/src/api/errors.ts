/**
 * What a failed API call tells the user: the edge answers every error as
 * `{ error: { code, message, field? } }` (edge/src/errors.ts); anything else
 * (the network down, a proxy's HTML page) becomes the same shape here.
 */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Reads the error out of a non-2xx response. */
export async function errorFrom(res: Response): Promise<ApiRequestError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null;
  const e = body?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    return new ApiRequestError(res.status, e.code, e.message, typeof e.field === 'string' ? e.field : undefined);
  }
  return new ApiRequestError(res.status, 'http_error', `The server answered ${res.status} ${res.statusText}`.trim());
}

/** What to tell the user to do next, by kind of failure. */
export function nextStep(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return 'Check your connection and try again.';
  if (error.status === 401) return 'Your sign-in has expired: sign in again.';
  if (error.status === 403) return 'Your role does not allow this. Ask an owner of this team.';
  if (error.status === 402) return "The team's plan does not allow more: an owner can choose a bigger plan on the team's Plan screen, or make room first.";
  if (error.status === 404) return 'It may have been deleted. Go back and pick another.';
  if (error.status === 429) return 'Too many requests: wait a minute, then try again.';
  if (error.status >= 500) return 'The service had a problem. Try again in a moment; if it persists, open a support ticket.';
  return error.field ? `Correct ${error.field} and try again.` : 'Correct the request and try again.';
}
