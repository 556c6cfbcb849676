import type { Context } from 'hono';
import * as v from 'valibot';
import { issuePath } from '@glyphoxa/protocol';
import { ApiError } from './errors.ts';


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

/** The request's query string, validated like a body. */
export function readQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseOrThrow(schema, c.req.query());
}
