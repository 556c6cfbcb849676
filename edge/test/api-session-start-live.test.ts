import { exports } from 'cloudflare:workers';
import { LiveTranscriptMessageSchema, type LiveTranscriptMessage } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { TestNode } from './helpers/test-node.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;
let node: TestNode;

/** Opens /live as the dashboard's browser does: the token in the subprotocols, no Authorization header. */
function openLive(token: string | null, sessionId: string, t = tenant) {
  const protocols = ['glyphoxa.live', ...(token ? [`bearer.${token}`] : [])].join(', ');
  return exports.default.fetch(`http://edge.test/api/v1/tenants/${t}/sessions/${sessionId}/live`, { headers: { upgrade: 'websocket', 'sec-websocket-protocol': protocols } });
}

function listen(ws: WebSocket) {
  const messages: LiveTranscriptMessage[] = [];
  const state = { closed: false };
  ws.addEventListener('message', (event) => messages.push(v.parse(LiveTranscriptMessageSchema, JSON.parse(event.data as string))));
  ws.addEventListener('close', () => (state.closed = true));
  ws.accept();
  return { messages, state };
}

async function startSession() {
  const res = await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.session.id as string;
  await node.next((m) => m.type === 'start_session' && m.session_id === id);
  return id;
}

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  // Its own pool, so this file's node runs only its sessions.
  expect((await admin('PUT', `/tenants/${tenant}`, { license_tier: 'dedicated', tier: 'guild' })).status).toBe(200);
  node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 5 });
});
afterAll(async () => {
  await admin('DELETE', `/tenants/${tenant}`);
  node.close();
});

describe('GET /api/v1/tenants/:id/sessions/:sessionId/live', () => {
  it("streams a viewer each line as it is spoken, then `ended` when the session stops", async () => {
    const sessionId = await startSession();
    const viewer = await memberOf(tenant, 'viewer');
    const res = await openLive(viewer.token, sessionId);
    expect(res.status).toBe(101);
    expect(res.headers.get('sec-websocket-protocol')).toBe('glyphoxa.live');
    const live = listen(res.webSocket!);

    const at = Date.now();
    node.send({ type: 'transcript', session_id: sessionId, entries: [{ speaker_id: 'vex', speaker_name: 'Vex', text: 'Where is the Glass Staff?', at: new Date(at).toISOString() }] });
    await eventually('the line pushed', () => live.messages.length === 1);
    expect(live.messages[0]).toEqual({ type: 'line', speaker_id: 'vex', speaker_name: 'Vex', npc: false, text: 'Where is the Glass Staff?', at: new Date(at).toISOString() });

    expect((await api(owner.token, 'POST', `/tenants/${tenant}/sessions/${sessionId}/stop`)).status).toBe(200);
    await eventually('the socket closed', () => live.state.closed);
    expect(live.messages.at(-1)).toEqual({ type: 'ended', reason: 'stopped' });
  });

  it('takes a bearer header too (scripts), and a key with read', async () => {
    const sessionId = await startSession();
    const key = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'tail', scopes: ['read'] });
    const res = await exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/sessions/${sessionId}/live`, { headers: { upgrade: 'websocket', authorization: `Bearer ${key.body.api_key.key}` } });
    expect(res.status).toBe(101);
    expect(res.headers.get('sec-websocket-protocol')).toBeNull();
    res.webSocket!.accept();
    res.webSocket!.close(1000, 'done');
    await admin('POST', `/sessions/${sessionId}/stop`);
  });

  it('refuses no token, another tenant, a session of another tenant and a plain GET', async () => {
    const sessionId = await startSession();
    const anonymous = await openLive(null, sessionId);
    expect(anonymous.status).toBe(401);
    expect(anonymous.webSocket).toBeNull();
    const outsider = await signIn();
    expect((await openLive(outsider.token, sessionId)).status).toBe(404);
    // The outsider's own tenant path with this tenant's session: not found either.
    const crossed = await openLive(outsider.token, sessionId, outsider.tenant);
    expect(crossed.status).toBe(404);
    expect(((await crossed.json()) as any).error.code).toBe('session_not_found');
    const plain = await api(owner.token, 'GET', `/tenants/${tenant}/sessions/${sessionId}/live`);
    expect(plain.status).toBe(426);
    expect(plain.body.error.code).toBe('upgrade_required');
    await admin('POST', `/sessions/${sessionId}/stop`);
  });

  it('is documented as a 101 carrying the protocol\'s live messages', async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const live = paths['/api/v1/tenants/{id}/sessions/{sessionId}/live'].get;
    expect(Object.keys(live.responses).filter((status) => /^(1|2)/.test(status))).toEqual(['101']);
    expect(JSON.stringify(live.responses['101'])).toContain('ended');
  });
});

describe('POST /api/v1/tenants/:id/sessions', () => {
  it('starts a browser session for a DM through the same operation as the admin API, named and audited as them', async () => {
    const dm = await memberOf(tenant, 'dm');
    const res = await api(dm.token, 'POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), transport: 'websocket' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const session = res.body.session;
    expect(session).toMatchObject({ tenant_id: tenant, started_by: `user:${dm.id}`, audio: { transport: 'websocket', token: expect.any(String) } });
    expect(['pending', 'active']).toContain(session.state);
    await node.next((m) => m.type === 'start_session' && m.session_id === session.id);
    expect((await api(dm.token, 'GET', `/tenants/${tenant}/sessions/active`)).body.sessions.map((s: { id: string }) => s.id)).toContain(session.id);
    const trail = await api(owner.token, 'GET', `/audit?tenant_id=${tenant}&action=session.start`);
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(JSON.stringify(trail.body)).toContain(`user:${dm.id}`);
    expect((await api(dm.token, 'POST', `/tenants/${tenant}/sessions/${session.id}/stop`)).body.session.state).toBe('ended');
  });

  it('starts a browser session with no Discord server as a table of its own, beside another', async () => {
    const dm = await memberOf(tenant, 'dm');
    const tables = [];
    for (let i = 0; i < 2; i++) {
      const res = await api(dm.token, 'POST', `/tenants/${tenant}/sessions`, { transport: 'websocket' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.session.audio).toMatchObject({ transport: 'websocket' });
      expect(res.body.session.guild_id).toMatch(/^browser-[0-9a-f-]{36}$/);
      expect(res.body.session.channel_id).toBe(res.body.session.guild_id);
      await node.next((m) => m.type === 'start_session' && m.session_id === res.body.session.id);
      tables.push(res.body.session as { id: string; guild_id: string });
    }
    expect(tables[0]!.guild_id).not.toBe(tables[1]!.guild_id);
    for (const { id } of tables) expect((await api(dm.token, 'POST', `/tenants/${tenant}/sessions/${id}/stop`)).body.session.state).toBe('ended');
  });

  it('is for owners and DMs (a key needs sessions), validates the body by field, and hides another tenant', async () => {
    const body = { guild_id: snowflake(), channel_id: snowflake() };
    const viewer = await memberOf(tenant, 'viewer');
    expect((await api(viewer.token, 'POST', `/tenants/${tenant}/sessions`, body)).status).toBe(403);
    const writer = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'writer', scopes: ['read', 'write'] });
    const refused = await api(writer.body.api_key.key, 'POST', `/tenants/${tenant}/sessions`, body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('sessions');
    expect((await api((await signIn()).token, 'POST', `/tenants/${tenant}/sessions`, body)).status).toBe(404);
    for (const [bad, field] of [
      [{ ...body, guild_id: 'general' }, 'guild_id'],
      [{ ...body, started_by: snowflake() }, 'started_by'],
      [{ ...body, transport: 'carrier-pigeon' }, 'transport'],
      // Only a browser session may leave out the Discord server; a server always comes with its channel.
      [{ channel_id: snowflake() }, 'guild_id'],
      [{ transport: 'discord' }, 'guild_id'],
      [{ guild_id: snowflake(), transport: 'websocket' }, 'channel_id'],
    ] as const) {
      const res = await api(owner.token, 'POST', `/tenants/${tenant}/sessions`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });
});
