import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { describeRoute, resolver, uniqueSymbol, type DescribeRouteOptions } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../../env.ts';
import { readJson, readParams, readQuery } from '../../validation.ts';

/**
 * How an /api/v1 route declares its contract: `input` validates a part of the request
 * the way every door does (validation.ts: 400 naming the field, bounded JSON bodies) and
 * tells hono-openapi its schema; `answers` names the answer's schema. The OpenAPI
 * document (GET /api/v1/openapi.json) is generated from these, so it is the code that runs.
 */

type Target = 'json' | 'query' | 'param';

const READERS: Record<Target, (c: Context, schema: v.GenericSchema) => unknown> = {
  json: readJson,
  query: readQuery,
  param: readParams,
};

// Transforms (a query's text to a number, a body to its row) have no JSON Schema: their input side is documented.
const JSON_SCHEMA_OPTIONS = { errorMode: 'ignore', typeMode: 'input' } as const;

/**
 * `narrow`: when what is valid depends on another part of the request (a provider's kinds
 * on the slot in its path), the schema to validate with; `schema` then documents every case.
 */
export function input<T extends Target, S extends v.GenericSchema>(
  target: T,
  schema: S,
  narrow?: (c: Context) => v.GenericSchema<unknown, v.InferOutput<S>>,
): MiddlewareHandler<AppEnv, string, { in: { [K in T]: v.InferInput<S> }; out: { [K in T]: v.InferOutput<S> } }> {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    c.req.addValidatedData(target, (await READERS[target](c, narrow?.(c) ?? schema)) as Record<string, unknown>);
    await next();
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema, JSON_SCHEMA_OPTIONS) } });
}

/** The route's summary and its answer on success (errors share the one error shape). */
export function answers(summary: string, status: 200 | 201, schema: v.GenericSchema, extra: Pick<DescribeRouteOptions, 'requestBody'> = {}) {
  return describeRoute({
    summary,
    ...extra,
    security: [{ bearer: [] }],
    responses: {
      [status]: { description: summary, content: { 'application/json': { schema: resolver(schema, { errorMode: 'ignore', typeMode: 'output' }) } } },
      default: { description: 'An error', content: { 'application/json': { schema: resolver(ErrorSchema) } } },
    },
  });
}

/** A route whose answer on success is a file (`mediaType`, e.g. text/csv) rather than JSON. */
export function answersFile(summary: string, mediaType: string) {
  return describeRoute({
    summary,
    security: [{ bearer: [] }],
    responses: {
      200: { description: summary, content: { [mediaType]: { schema: { type: 'string' } } } },
      default: { description: 'An error', content: { 'application/json': { schema: resolver(ErrorSchema) } } },
    },
  });
}

/** errors.ts's error shape. */
const ErrorSchema = v.object({ error: v.object({ code: v.string(), message: v.string(), field: v.optional(v.string()) }) });
