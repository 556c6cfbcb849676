import { exports } from 'cloudflare:workers';
import { Hono } from 'hono';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/env.ts';
import { notFound, onError } from '../src/errors.ts';
import { createLogger } from '@glyphoxa/protocol';
import { readJson } from '../src/validation.ts';

const JSON_BODY = { 'content-type': 'application/json' };

// A route group as later issues write them, to exercise the shared error path.
function echoApp() {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('log', createLogger({}, { sink: () => {} }));
    await next();
  });
  const Body = v.object({ name: v.pipe(v.string(), v.minLength(2)), guild_ids: v.array(v.pipe(v.string(), v.regex(/^\d+$/))) });
  app.post('/echo', async (c) => c.json(await readJson(c, Body)));
  app.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

describe('error shape', () => {
  it('unknown API routes 404 as JSON', async () => {
    const res = await exports.default.fetch('http://edge.test/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/v1/nothing-here' } });
  });

  it('a body that is not JSON is a 400', async () => {
    const res = await echoApp().request('/echo', { method: 'POST', body: '{"name": ', headers: JSON_BODY });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_json', message: 'Request body must be valid JSON' } });
  });

  it('an invalid field is a 400 naming the field', async () => {
    const res = await echoApp().request('/echo', { method: 'POST', body: JSON.stringify({ name: 'ok', guild_ids: ['1', 'x'] }), headers: JSON_BODY });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; field: string; message: string } }>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.field).toBe('guild_ids.1');
    expect(body.error.message).toContain('guild_ids.1');
  });

  it('valid input passes through', async () => {
    const res = await echoApp().request('/echo', { method: 'POST', body: JSON.stringify({ name: 'ok', guild_ids: ['1'] }), headers: JSON_BODY });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'ok', guild_ids: ['1'] });
  });

  it('an unexpected error is a 500 without a stack trace or its message', async () => {
    const res = await echoApp().request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
  });
});
