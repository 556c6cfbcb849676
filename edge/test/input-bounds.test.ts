import { exports } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { ADMIN_KEY, admin, uniqueTenantId } from './helpers/admin.ts';
import { discordTenant, editedReply, interaction, postInteraction, runCommand, uploadAttachment, type DiscordTenant } from './helpers/discord.ts';
import { TestNode } from './helpers/test-node.ts';

const NUL = '\u0000';
const withAdmin = { authorization: `Bearer ${ADMIN_KEY}` };

/** The admin API with a body as given (not re-encoded) and headers of the test's choosing. */
async function send(method: string, path: string, body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await exports.default.fetch(`http://edge.test/admin${path}`, { method, headers: { ...withAdmin, ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

/** `{"options": {"a": {"a": … {}}}}`, `depth` objects deep under `options`. */
const nested = (depth: number) => `{"kind":"openai","base_url":"https://llm.example/v1","model":"m","options":${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}}`;

describe('what every door refuses before a schema or Postgres sees it', () => {
  let tenant: string;
  beforeAll(async () => {
    tenant = uniqueTenantId('bounds');
    expect((await admin('POST', '/tenants', { id: tenant })).status).toBe(201);
  });
  afterAll(() => admin('DELETE', `/tenants/${tenant}`));

  it('refuses NUL in every path parameter of every route with a 400 naming it', async () => {
    const routes = createApp().routes.filter((r) => r.method !== 'ALL' && r.path.includes('/:'));
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      for (const param of params) {
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => (name === param ? `x%00y` : 'placeholder'));
        const res = await exports.default.fetch(`http://edge.test${path}`, {
          method: route.method,
          headers: { ...withAdmin, 'content-type': 'application/json' },
          body: route.method === 'GET' ? undefined : '{}',
        });
        const body = await res.json<{ error: { field?: string; message: string } }>();
        // Discord's door checks the signature first: an unsigned request never gets further.
        if (path.startsWith('/discord/')) {
          expect(res.status, `${route.method} ${route.path}`).toBe(401);
          continue;
        }
        expect([res.status, body.error.field], `${route.method} ${route.path} :${param}`).toEqual([400, param]);
        expect(body.error.message).toBe(`${param}: must not contain NUL characters (U+0000)`);
      }
    }
  });

  it('refuses NUL in a query value, a JSON value and a JSON key, naming each', async () => {
    const query = await send('GET', `/tenants?after=a${encodeURIComponent(NUL)}`, null);
    expect([query.status, query.body.error.field]).toEqual([400, 'after']);
    const model = await admin('PUT', `/tenants/${tenant}/providers/llm`, { kind: 'openai', base_url: 'https://llm.example/v1', model: `gpt${NUL}` });
    expect([model.status, model.body.error.field]).toEqual([400, 'model']);
    const key = await admin('PUT', `/tenants/${tenant}/providers/llm`, { kind: 'openai', base_url: 'https://llm.example/v1', model: 'm', options: { [`temp${NUL}`]: 1 } });
    expect([key.status, key.body.error.field]).toEqual([400, 'options.temp\\u0000']);
    expect(key.body.error.message).toBe('options.temp\\u0000: names a key with NUL characters (U+0000)');
    expect((await admin('GET', `/tenants/${tenant}/providers`)).body.providers).toEqual([]);
  });

  it('refuses JSON nested 10,000 deep at once, and the database goes on answering', async () => {
    const deep = await send('PUT', `/tenants/${tenant}/providers/llm`, nested(10_000));
    expect(deep.status).toBe(400);
    expect(deep.body.error.message).toMatch(/^options(\.a){31}: nests deeper than 32 levels$/);
    // Just inside the bound, the same field is stored.
    expect((await send('PUT', `/tenants/${tenant}/providers/llm`, nested(30))).status).toBe(200);
    expect((await admin('GET', `/tenants/${tenant}`)).status).toBe(200);
  });

  it('bounds a free-form field by its size, and takes only an object for it', async () => {
    const big = await admin('PUT', `/tenants/${tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://local', model: 'm', options: { text: 'x'.repeat(17_000) } });
    expect([big.status, big.body.error.field, big.body.error.message]).toEqual([400, 'options', 'options: must be at most 16384 bytes as JSON']);
    const list = await admin('PUT', `/tenants/${tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://local', model: 'm', options: [1, 2] });
    expect([list.status, list.body.error.field]).toEqual([400, 'options']);
  });

  it('refuses a body that is an array, a string or null where an object is due', async () => {
    for (const body of ['[]', '"tier"', 'null', '42']) {
      const res = await send('PUT', `/tenants/${tenant}`, body);
      expect([res.status, res.body.error.message], body).toEqual([400, 'Request body must be a JSON object']);
    }
  });

  it('refuses a body that is not declared JSON with 415', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}] as Array<Record<string, string>>) {
      const res = await send('PUT', `/tenants/${tenant}`, '{"tier":"guild"}', headers);
      expect([res.status, res.body.error.code], JSON.stringify(headers)).toEqual([415, 'unsupported_media_type']);
    }
    expect((await send('PUT', `/tenants/${tenant}`, '{"tier":"guild"}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413, whether or not it said its length', async () => {
    const huge = `{"guild_ids":["${'1'.repeat(1024 * 1024)}"]}`;
    const declared = await send('PUT', `/tenants/${tenant}`, huge);
    expect([declared.status, declared.body.error.code]).toEqual([413, 'body_too_large']);
    const streamed = await send('PUT', `/tenants/${tenant}`, new Blob([huge]).stream());
    expect([streamed.status, streamed.body.error.code]).toEqual([413, 'body_too_large']);
    expect((await admin('GET', `/tenants/${tenant}`)).body.tenant.guild_ids).toEqual([]);
  });
});

describe('Discord interactions and files', () => {
  let t: DiscordTenant;
  const dm = { roles: ['100000000000000777'] };
  beforeAll(async () => {
    t = await discordTenant({ dm_role_id: dm.roles[0] });
  });
  afterAll(() => admin('DELETE', `/tenants/${t.id}`));

  it('refuses NUL in an autocomplete value, naming the option', async () => {
    const body = interaction(t, 'npc', { type: 4, subcommand: 'speak', options: [{ name: 'name', type: 3, value: `Grim${NUL}`, focused: true }] });
    const res = await postInteraction(t.id, t.keys.privateKey, body);
    expect([res.status, res.body.error.field]).toEqual([400, 'data.options.0.options.0.value']);
  });

  it('refuses a campaign file with NUL in an entry, or nested without end, saying where', async () => {
    const nul = await uploadAttachment('nul.yaml', 'name: Nul\nentities:\n  - name: Ok\n    type: item\n  - name: Bad\n    type: item\n    description: "a\\0b"\n');
    const res = await runCommand(t, 'campaign', { subcommand: 'load', attachment: nul, ...dm });
    expect(await editedReply(res.token)).toBe(
      'Campaign not loaded: the file has 1 problem. Fix it and load it again:\n• entities #2: description must not contain NUL characters (U+0000)',
    );
    const deep = await uploadAttachment('deep.yaml', `name: Deep\nentities:\n  - name: Box\n    type: item\n    properties: ${'{a: '.repeat(100)}1${'}'.repeat(100)}\n`);
    const again = await runCommand(t, 'campaign', { subcommand: 'load', attachment: deep, ...dm });
    expect(await editedReply(again.token)).toMatch(/^Campaign not loaded: .*\n• entities #1: properties(\.a)+ nests deeper than 32 levels$/);
  });
});

describe('node messages', () => {
  it('refuses a transcript line with NUL, naming the field, and keeps the connection', async () => {
    const node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token);
    try {
      node.send({ type: 'transcript', session_id: crypto.randomUUID(), entries: [{ speaker_id: 'u1', speaker_name: 'Ana', text: `hi${NUL}`, at: new Date().toISOString() }] });
      const error = await node.next((m) => m.type === 'error');
      expect(error).toMatchObject({ code: 'invalid_message', field: 'entries.0.text', request_type: 'transcript' });
      node.send({ type: 'heartbeat', sessions: [] });
      node.send({ type: 'heartbeat', sessions: [`${NUL}`] });
      expect(await node.next((m) => m.type === 'error')).toMatchObject({ field: 'sessions.0' });
    } finally {
      node.close();
    }
  });
});
