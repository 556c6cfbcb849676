import { exports } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { signIn, type Person } from './helpers/web-api.ts';

/**
 * Every route of the web API, as its generated OpenAPI document lists them, called by a
 * tenant's owner with what fast-check makes up: path ids that are real, random or hostile,
 * query values, bodies shaped like the route's schema with wrong values, and any JSON at all.
 * Whatever comes in, the answer is never a 500, and every refusal is the one error shape
 * `{ error: { code, message } }` a client can show.
 */

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
}

const RUNS_PER_ROUTE = 20;
/** Routes whose real target a made-up call must not reach: it would delete the caller's own tenant mid-test. */
const NEVER_REAL = new Set(['DELETE /api/v1/tenants/{id}']);

const hostile = fc.constantFrom('', ' ', '..', '%2e%2e', 'null', '-1', '0', '9'.repeat(40), '\u00e9\u{1F600}', "'; drop table tenants; --", 'a'.repeat(300));
const anyText = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), hostile);
const anyJson = fc.jsonValue({ maxDepth: 3 });

let owner: Person;
let routes: Array<{ method: string; path: string; operation: Operation }>;

async function call(method: string, path: string, body: unknown | undefined) {
  const res = await exports.default.fetch(`http://edge.test${path}`, {
    method,
    headers: { authorization: `Bearer ${owner.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

beforeAll(async () => {
  owner = await signIn();
  const document = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
  routes = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })));
});

describe('the web API under made-up input', () => {
  it('answers every documented route without a 500, refusing with the error shape', async () => {
    expect(routes.length).toBeGreaterThan(30);
    const seen = new Map<number, number>();
    for (const { method, path, operation } of routes) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const queries = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const schema = operation.requestBody?.content['application/json']?.schema;
      // The tenant path parameter is the caller's own tenant most of the time, so calls reach the handlers behind the role check.
      const tenantId = NEVER_REAL.has(`${method} ${path}`) ? anyText : fc.oneof({ weight: 3, arbitrary: fc.constant(owner.tenant) }, { weight: 1, arbitrary: anyText });
      const params = fc.record(Object.fromEntries(names.map((name) => [name, name === 'id' ? tenantId : anyText])));
      const query = fc.dictionary(fc.constantFrom(...(queries.length > 0 ? queries : ['x'])), anyText, { maxKeys: 3 });
      const shaped = schema?.properties ? fc.dictionary(fc.constantFrom(...Object.keys(schema.properties)), anyJson, { maxKeys: 6 }) : anyJson;
      const body = schema ? fc.oneof(shaped, anyJson) : fc.constant(undefined);
      await fc.assert(
        fc.asyncProperty(params, query, body, async (values, search, sent) => {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] as string)) + (Object.keys(search).length > 0 ? `?${new URLSearchParams(search as Record<string, string>)}` : '');
          const answer = await call(method, url, sent);
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          const where = `${method} ${url} ${JSON.stringify(sent)?.slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, where).not.toBe(500);
          if (answer.status >= 400 && answer.type.includes('application/json')) {
            const error = (JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } }).error;
            expect(typeof error?.code, where).toBe('string');
            expect(typeof error?.message, where).toBe('string');
          }
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    // The made-up calls got past authentication to the handlers: some were done, many refused by validation.
    console.log(`api-fuzz: ${[...seen].sort(([a], [b]) => a - b).map(([status, n]) => `${status}x${n}`).join(' ')}`);
    expect([...seen.keys()].filter((status) => status < 300).length).toBeGreaterThan(0);
    expect(seen.get(400) ?? 0).toBeGreaterThan(routes.length);
  }, 240_000);
});
