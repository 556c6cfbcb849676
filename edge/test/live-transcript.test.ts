import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { LiveTranscriptMessageSchema, type LiveTranscriptMessage } from '@glyphoxa/protocol';
import { createDb } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLiveTranscript } from '../src/durable/coordinator/live-transcript.ts';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { TestNode } from './helpers/test-node.ts';

/** A dashboard's live transcript socket: every message checked against the protocol's schema. */
class Listener {
  readonly messages: LiveTranscriptMessage[] = [];
  closed: { code: number; reason: string } | null = null;

  constructor(ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      this.messages.push(v.parse(LiveTranscriptMessageSchema, JSON.parse(event.data as string)));
    });
    ws.addEventListener('close', (event) => {
      this.closed = { code: event.code, reason: event.reason };
    });
    ws.accept();
  }

  static async open(tenantId: string, sessionId: string): Promise<Listener> {
    const res = await openLiveTranscript(env, tenantId, sessionId, upgrade());
    if (!res.webSocket) throw new Error(`live transcript refused: ${res.status} ${await res.text()}`);
    return new Listener(res.webSocket);
  }

  lines = () => this.messages.filter((m) => m.type === 'line').map((m) => m.text);
}

const upgrade = () => new Request('http://edge.test/live', { headers: { upgrade: 'websocket' } });

describe('a session\'s live transcript, pushed by the tenant\'s coordinator', () => {
  const tenant = uniqueTenantId('live');
  let node: TestNode;

  const startSession = async () => {
    const res = await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    expect(res.status).toBe(201);
    const id = res.body.session.id as string;
    await node.next((m) => m.type === 'start_session' && m.session_id === id);
    return id;
  };
  const say = (sessionId: string, ...lines: Array<{ who: string; text: string; at: number; npc?: boolean }>) =>
    node.send({
      type: 'transcript',
      session_id: sessionId,
      entries: lines.map((l) => ({ speaker_id: l.who.toLowerCase(), speaker_name: l.who, text: l.text, at: new Date(l.at).toISOString(), ...(l.npc && { npc: true }) })),
    });

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild' });
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 10 });
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant}`);
    node.close();
  });

  it('pushes each new line to the session\'s listeners, once, then `ended` and closes them', async () => {
    const sessionId = await startSession();
    const other = await startSession();
    const [first, second, elsewhere] = [await Listener.open(tenant, sessionId), await Listener.open(tenant, sessionId), await Listener.open(tenant, other)];
    // Hibernation-safe: the sockets are found by their session tag, not held in memory.
    await runInDurableObject(coordinatorOf(env, tenant), (_instance, state) => {
      expect(state.getWebSockets(sessionId)).toHaveLength(2);
      expect(state.getWebSockets(other)).toHaveLength(1);
    });

    const at = Date.now();
    const batch = [
      { who: 'Vex', text: 'Where is the Glass Staff?', at },
      { who: 'Sildar', text: 'In the manor, I fear.', at: at + 1500, npc: true },
    ];
    say(sessionId, ...batch);
    await eventually('both lines pushed', () => first.messages.length === 2 && second.messages.length === 2);
    expect(first.messages).toEqual([
      { type: 'line', speaker_id: 'vex', speaker_name: 'Vex', npc: false, text: 'Where is the Glass Staff?', at: new Date(at).toISOString() },
      { type: 'line', speaker_id: 'sildar', speaker_name: 'Sildar', npc: true, text: 'In the manor, I fear.', at: new Date(at + 1500).toISOString() },
    ]);
    expect(second.messages).toEqual(first.messages);

    // A batch resent after the node reconnected is stored once and pushed once.
    say(sessionId, ...batch);
    say(sessionId, { who: 'Vex', text: 'Then to the manor.', at: at + 3000 });
    await eventually('the next line pushed', () => first.messages.length >= 3 && second.messages.length >= 3);
    expect(first.lines()).toEqual(['Where is the Glass Staff?', 'In the manor, I fear.', 'Then to the manor.']);
    expect(second.lines()).toEqual(first.lines());

    // The other session's listener heard none of it; its own line reaches only it.
    say(other, { who: 'Nim', text: 'Meanwhile, in the other guild.', at });
    await eventually('the other session\'s line pushed', () => elsewhere.messages.length === 1);
    expect(elsewhere.lines()).toEqual(['Meanwhile, in the other guild.']);
    expect(first.messages).toHaveLength(3);

    expect((await admin('POST', `/sessions/${sessionId}/stop`)).status).toBe(200);
    await eventually('the listeners closed', () => first.closed && second.closed);
    expect(first.messages.at(-1)).toEqual({ type: 'ended', reason: 'stopped' });
    expect(second.messages.at(-1)).toEqual({ type: 'ended', reason: 'stopped' });
    expect(first.closed).toMatchObject({ code: 1000 });
    expect(elsewhere.closed).toBeNull();
    await runInDurableObject(coordinatorOf(env, tenant), (_instance, state) => expect(state.getWebSockets(sessionId)).toHaveLength(0));

    // Lines after the end reach no one (and break nothing).
    say(other, { who: 'Nim', text: 'Still here.', at: at + 1000 });
    await eventually('the other session goes on', () => elsewhere.messages.length === 2);
    await admin('POST', `/sessions/${other}/stop`);
    await eventually('the other listener closed', () => elsewhere.closed);
    expect(elsewhere.messages.at(-1)).toEqual({ type: 'ended', reason: 'stopped' });
  });

  it('pushes the lines of batches written together (one write, across sessions) to each session\'s listeners', async () => {
    const [one, two] = [await startSession(), await startSession()];
    const [hearsOne, hearsTwo] = [await Listener.open(tenant, one), await Listener.open(tenant, two)];
    const at = Date.now();
    const line = (who: string, text: string, ms: number) => ({ speaker_id: who.toLowerCase(), speaker_name: who, text, at: new Date(at + ms).toISOString() });
    await runInDurableObject(coordinatorOf(env, tenant), (coordinator) =>
      // Three batches in one turn: the first is written at once, the two that arrive during its write together in the next.
      Promise.all([
        coordinator.transcript(one, [line('Vex', 'Open the gate.', 0)]),
        coordinator.transcript(two, [line('Nim', 'Who goes there?', 100)]),
        coordinator.transcript(one, [line('Vex', 'A friend.', 200)]),
      ]),
    );
    // One write is one transaction: its rows share the inserting transaction id.
    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = (await db.execute(sql`select text, xmin::text as tx from session_entries where session_id in (${one}, ${two})`).finally(close)) as unknown as Array<{ text: string; tx: string }>;
    const writtenBy = Object.fromEntries(rows.map((r) => [r.text, r.tx]));
    expect(writtenBy['Who goes there?']).toBe(writtenBy['A friend.']);
    expect(writtenBy['Open the gate.']).not.toBe(writtenBy['A friend.']);
    await eventually('the coalesced lines pushed', () => hearsOne.lines().length === 2 && hearsTwo.lines().length === 1);
    expect(hearsOne.lines()).toEqual(['Open the gate.', 'A friend.']);
    expect(hearsTwo.lines()).toEqual(['Who goes there?']);
    await admin('POST', `/sessions/${one}/stop`);
    await admin('POST', `/sessions/${two}/stop`);
  });

  it('tells a listener of a session that already ended why, and closes', async () => {
    const sessionId = await startSession();
    await admin('POST', `/sessions/${sessionId}/stop`);
    const late = await Listener.open(tenant, sessionId);
    await eventually('the late listener closed', () => late.closed);
    expect(late.messages).toEqual([{ type: 'ended', reason: 'stopped' }]);
  });

  it('refuses a session the tenant does not have, and a request that is no upgrade', async () => {
    const unknown = await openLiveTranscript(env, tenant, crypto.randomUUID(), upgrade());
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'session_not_found' } });
    // Another tenant's session is unknown to this tenant's coordinator.
    const theirs = uniqueTenantId('live-other');
    const sessionId = await startSession();
    expect((await openLiveTranscript(env, theirs, sessionId, upgrade())).status).toBe(404);
    await admin('POST', `/sessions/${sessionId}/stop`);

    const plain = await openLiveTranscript(env, tenant, sessionId, new Request('http://edge.test/live'));
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: { code: 'upgrade_required' } });
  });
});
