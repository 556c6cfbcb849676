import * as v from 'valibot';
import { MAX_JSON_DEPTH } from './limits.ts';

/**
 * Checks every door applies to JSON before its schema sees it: Postgres text cannot
 * hold NUL (U+0000), so a string or key with one would fail deep in a query, and
 * nesting without end costs every layer that walks it (the embedded Postgres failed
 * on a jsonb value nested 10,000 deep). Shared by the edge's request validators, the
 * node protocol's parser and the campaign YAML reader.
 */

export interface JsonProblem {
  /** Dotted path of the offending value (`options.a.0`), undefined at the root. */
  field: string | undefined;
  /** What is wrong with it, without the path. */
  message: string;
}

/** `field: message`, as errors name their field. */
export function describeJsonProblem(problem: JsonProblem): string {
  return problem.field ? `${problem.field}: ${problem.message}` : problem.message;
}

/** The first string or key holding NUL, or the first value nested deeper than `maxDepth`; undefined when there is none. */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  return walk(value, [], maxDepth);
}

function walk(value: unknown, path: string[], maxDepth: number): JsonProblem | undefined {
  if (typeof value === 'string') return value.includes('\0') ? problem(path, 'must not contain NUL characters (U+0000)') : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  // Arrays and objects count one level each; the walk itself stops at the bound, so it never recurses deeper than that.
  if (path.length >= maxDepth) return problem(path, `nests deeper than ${maxDepth} levels`);
  const entries: Iterable<[string, unknown]> = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (key.includes('\0')) return problem([...path, key], 'names a key with NUL characters (U+0000)');
    const found = walk(item, [...path, key], maxDepth);
    if (found) return found;
  }
  return undefined;
}

function problem(path: string[], message: string): JsonProblem {
  // A key holding NUL is named with the NUL spelled out, so the field can be printed and logged.
  return { field: path.length > 0 ? path.map((key) => key.replaceAll('\0', '\\u0000')).join('.') : undefined, message };
}

/** A JSON object (not an array, not null), as a free-form field must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A free-form JSON object field (provider options, entity properties, campaign settings):
 * any keys and values, at most `maxBytes` of UTF-8 as JSON, so one field cannot fill a row.
 */
export function boundedJsonObject(maxBytes: number) {
  return v.pipe(
    v.custom<Record<string, unknown>>(isJsonObject, 'must be an object of names to values'),
    v.check((value) => !exceedsUtf8Bytes(JSON.stringify(value), maxBytes), `must be at most ${maxBytes} bytes as JSON`),
  );
}

/** Whether the text's UTF-8 size exceeds `maxBytes`, encoding only when its length cannot tell. */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  // Each UTF-16 unit is 1 to 3 UTF-8 bytes, so length alone decides most texts.
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return new TextEncoder().encode(text).byteLength > maxBytes;
}
