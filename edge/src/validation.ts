import type { Context } from 'hono';
import * as v from 'valibot';
import { ApiError } from './errors.ts';

/** Dotted path of a valibot issue (`guild_ids.2`), the field named in a 400. */
export function issuePath(issue: v.BaseIssue<unknown>): string | undefined {
  const keys = issue.path?.map((item) => String(item.key));
  return keys && keys.length > 0 ? keys.join('.') : undefined;
}

/** Validates with `schema`, or throws a 400 naming the first offending field. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issuePath(issue);
  throw new ApiError(400, 'invalid_request', field ? `${field}: ${issue.message}` : issue.message, field);
}

/** The request's JSON body, validated; a body that is not JSON is a 400. */
export async function readJson<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_json', 'Request body must be valid JSON');
  }
  return parseOrThrow(schema, body);
}
