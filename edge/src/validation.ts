import type { Context } from 'hono';
import * as v from 'valibot';
import { describeJsonProblem, isJsonObject, issuePath, jsonProblem } from '@glyphoxa/protocol';
import { readAtMost } from './bounded-read.ts';
import { ApiError } from './errors.ts';

/**
 * How every door reads its input: path parameters, the query and JSON bodies each go
 * through one of these, so the checks below hold for every route without one of them
 * repeating it. Before a schema sees anything, text with NUL and JSON nested too deep
 * are refused (`jsonProblem`); a body is bounded while it is read, must be declared JSON
 * and must be an object.
 */

/** The largest request body read; a bigger one is refused before it is all read. */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Validates with `schema`, or throws a 400 naming the first offending field. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const bad = jsonProblem(input);
  if (bad) throw new ApiError(400, 'invalid_request', describeJsonProblem(bad), bad.field);
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issuePath(issue);
  throw new ApiError(400, 'invalid_request', field ? `${field}: ${issue.message}` : issue.message, field);
}

/**
 * The request's JSON body, validated. Refused: another content type (415), a body over
 * `maxBytes` (413), one that is not JSON or not a JSON object (400).
 */
export async function readJson<S extends v.GenericSchema>(c: Context, schema: S, options: { maxBytes?: number } = {}): Promise<v.InferOutput<S>> {
  if (!JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json)');
  }
  const bytes = await readBody(c, options.maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new ApiError(400, 'invalid_json', 'Request body must be valid JSON');
  }
  if (!isJsonObject(body)) throw new ApiError(400, 'invalid_request', 'Request body must be a JSON object');
  return parseOrThrow(schema, body);
}

/**
 * The raw body, read at most `maxBytes` far (413 beyond) and kept on the request, so a
 * later reader (the signature check, then `readJson`) gets the same bytes.
 */
export async function readBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<ArrayBuffer> {
  // Hono keeps what a body reader got in `bodyCache`, as promises (its type says values),
  // and answers `c.req.json()`, `.text()` and the rest from it.
  const cache = c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> };
  if (cache.arrayBuffer) return cache.arrayBuffer;
  const tooLarge = () => new ApiError(413, 'body_too_large', `Request body exceeds ${maxBytes} bytes`);
  const declared = c.req.header('content-length');
  if (Number(declared ?? 0) > maxBytes) throw tooLarge();
  let buffer;
  if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
    // A declared length bounds the body (HTTP framing): one native read, not a stream's
    // chunks through JavaScript (~9 % of an /mcp call's CPU, docs/BENCHMARKS.md).
    buffer = await c.req.raw.arrayBuffer();
    if (buffer.byteLength > maxBytes) throw tooLarge();
  } else {
    const bytes = await readAtMost(c.req.raw.body, maxBytes);
    if (!bytes) throw tooLarge();
    buffer = bytes.buffer;
  }
  cache.arrayBuffer = Promise.resolve(buffer);
  return buffer;
}

/** The request's query string, validated like a body. */
export function readQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseOrThrow(schema, c.req.query());
}

/** The route's path parameters (`:id`), validated like a body: a bad one is a 400 naming it. */
export function readParams<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseOrThrow(schema, c.req.param());
}
