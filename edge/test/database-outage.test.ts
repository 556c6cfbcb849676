import { createDb } from '@glyphoxa/db';
import { createLogger } from '@glyphoxa/protocol';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/env.ts';
import { onError } from '../src/errors.ts';
import { DATABASE_DOOR_HOST } from './database-door.ts';

const door = async (control: string) =>
  (await fetch(`http://${DATABASE_DOOR_HOST}${control}`, { method: ['/url', '/held'].includes(control) ? 'GET' : 'POST' })).json<{ url: string; held: number }>();

/**
 * The shared error path over a real database reached through a door the test shuts: one
 * handle kept across requests, as a Durable Object keeps it, so a connection that was open
 * when the database went is exercised as well as new ones that cannot get in.
 */
function appOver(url: string) {
  const handle = createDb(url, { max: 1, connectTimeoutSeconds: 2 });
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('log', createLogger({}, { sink: () => {} }));
    await next();
  });
  app.get('/query', async (c) => c.json({ rows: (await handle.db.execute(sql`select 1 as one`)).length }));
  app.onError(onError);
  return { app, close: handle.close };
}

async function ask(app: Hono<AppEnv>) {
  const res = await app.request('/query');
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json<{ error?: { code: string } }>() };
}

describe('a database that goes away answers 503 database_unavailable with Retry-After', () => {
  let url: string;
  beforeAll(async () => {
    url = (await door('/url')).url;
  });
  afterEach(() => door('/open'));

  it('when it stops under an open connection, while it stays down, and again once it is back', async () => {
    const { app, close } = appOver(url);
    try {
      expect((await ask(app)).status).toBe(200);
      await door('/close');
      for (let i = 0; i < 3; i++) expect(await ask(app)).toEqual({ status: 503, retryAfter: '1', body: { error: { code: 'database_unavailable', message: expect.any(String) } } });
      await door('/open');
      expect((await ask(app)).status).toBe(200);
    } finally {
      await close();
    }
  });

  it('when it stops while a query is in flight', async () => {
    const { app, close } = appOver(url);
    try {
      expect((await ask(app)).status).toBe(200);
      await door('/hold');
      const answer = ask(app);
      for (let i = 0; i < 100 && (await door('/held')).held === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await door('/held')).held).toBeGreaterThan(0);
      await door('/close');
      expect(await answer).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'database_unavailable' } } });
    } finally {
      await close();
    }
  });

  // What Postgres itself answers a connection it will not serve.
  for (const [code, why] of [
    ['57P03', 'starting up'],
    ['57P01', 'shut down by an administrator'],
    ['53300', 'too many clients'],
  ]) {
    it(`when the server refuses the connection: ${code} (${why})`, async () => {
      await door(`/refuse?code=${code}`);
      const { app, close } = appOver(url);
      try {
        expect(await ask(app)).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'database_unavailable' } } });
      } finally {
        await close();
      }
    });
  }
});
