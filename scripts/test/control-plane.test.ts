import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';
import { writeWorkerEnv } from '../lib/install-secrets.ts';
import { freePort } from '../lib/ports.ts';
import type { Child } from '../lib/processes.ts';
import { adminCall, startEdge, startVoiceNode } from '../lib/system.ts';
import { sql } from 'drizzle-orm';
import { createCampaign } from '../../db/src/repos/campaigns.ts';
import { DEMO_CAMPAIGN } from '../../db/src/demo-campaign.ts';
import { startOpenAiStandIn } from '../../providers/test/stand-ins/index.ts';
import { SILENCE_FRAME } from '../../voice-node/src/audio/opus.ts';
import { connectAudioClient } from '../../voice-node/src/transport/websocket-audio-client.ts';
import { fixtureOpusFrames } from '../../voice-node/test/transport/fixture-frames.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_KEY = 'system-test-admin-key';
// Long enough for `wrangler dev` to restart within it (the restart test), short enough to keep the suite quick.
const TIMEOUT_MS = 8000;
const ALARM_MS = 500;
const databaseUrl = process.env.DATABASE_URL!;
const dir = mkdtempSync(join(tmpdir(), 'gx-system-'));
const envFile = join(dir, 'worker.env');
let port: number;
let discord: DiscordRest;
let edge: Child;
let edgeUrl: string;
const nodes: Child[] = [];

const api = (method: string, path: string, body?: unknown) => adminCall(edgeUrl, ADMIN_KEY, method, path, body);
const snowflake = () => String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e15)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function launchEdge() {
  return startEdge({
    root: ROOT,
    port,
    databaseUrl,
    stateDir: join(dir, 'state'),
    envFile,
    stdio: 'ignore',
    vars: {
      HEARTBEAT_TIMEOUT_MS: String(TIMEOUT_MS),
      HEARTBEAT_INTERVAL_MS: '500',
      ALARM_INTERVAL_MS: String(ALARM_MS),
      DISCORD_API_BASE: `${discord.url}/api/v10`,
    },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function sessionIn(tenant: string, id: string) {
  const res = await api('GET', `/tenants/${tenant}/sessions`);
  return res.body.sessions.find((s: { id: string }) => s.id === id);
}

/** A tenant, and a voice node of its own that is checked in. */
async function tenantWithNode(license: 'shared' | 'dedicated' = 'dedicated') {
  const tenant = `sys-${Math.random().toString(36).slice(2, 10)}`;
  expect((await api('POST', '/tenants', { id: tenant, license_tier: license, tier: 'guild' })).status).toBe(201);
  const created = await api('POST', '/nodes', { pool: tenant });
  const node = startVoiceNode({ root: ROOT, edgeUrl, token: created.body.token, stdio: 'ignore' });
  nodes.push(node);
  // Several nodes start at once (the concurrent tests below): a Bun start may wait for a core.
  await until('the node to check in', async () => {
    const list = await api('GET', '/nodes');
    return list.body.nodes.find((n: { node_id: string; connected: boolean }) => n.node_id === created.body.node_id && n.connected) ? true : undefined;
  }, 60_000);
  return { tenant, node, nodeId: created.body.node_id as string, token: created.body.token as string };
}

interface DiscordCall {
  method: string;
  path: string;
  body: any;
}
interface DiscordRest {
  url: string;
  calls: DiscordCall[];
  close(): Promise<void>;
}

/** Discord's REST API as far as the edge uses it here: command registration and edits of deferred replies. */
async function startDiscordRest(): Promise<DiscordRest> {
  const calls: DiscordCall[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', path: req.url ?? '', body: body ? JSON.parse(body) : null });
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'PUT' ? '[]' : '{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function startActive(tenant: string) {
  const res = await api('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
  expect(res.status).toBe(201);
  await until('the session to become active', async () => ((await sessionIn(tenant, res.body.session.id))?.state === 'active' ? true : undefined));
  return res.body.session.id as string;
}

beforeAll(async () => {
  discord = await startDiscordRest();
  port = await freePort();
  edgeUrl = `http://127.0.0.1:${port}`;
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS: generateKeySpec('k1') });
  edge = await launchEdge();
});

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await edge?.stop();
  await discord?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('control plane with real voice nodes', () => {
  it('ends the session of a SIGKILLed node as node_lost within the timeout plus one alarm period', async () => {
    const { tenant, node } = await tenantWithNode();
    const id = await startActive(tenant);
    process.kill(-node.pid, 'SIGKILL');
    const killedAt = Date.now();
    const ended = await until('node_lost', async () => {
      const s = await sessionIn(tenant, id);
      return s?.state === 'ended' ? s : undefined;
    });
    expect(ended.end_reason).toBe('node_lost');
    // The last heartbeat may have come up to one interval before the kill; allow for polling.
    expect(Date.now() - killedAt).toBeLessThan(TIMEOUT_MS + ALARM_MS + 1500);
  });

  it('proxies an npc command to the node and returns its answer', async () => {
    const { tenant } = await tenantWithNode();
    const id = await startActive(tenant);
    const listed = await api('POST', `/sessions/${id}/npc`, { action: 'list' });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual({ npcs: [] });
    const missing = await api('POST', `/sessions/${id}/npc`, { action: 'mute', name: 'Grimjaw' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('npc_not_found');
  });

  it('a node stopped with SIGTERM reports its sessions ended', async () => {
    const { tenant, node } = await tenantWithNode();
    const id = await startActive(tenant);
    await node.stop();
    const ended = await until('the session to end', async () => {
      const s = await sessionIn(tenant, id);
      return s?.state === 'ended' ? s : undefined;
    });
    expect(ended.end_reason).toBe('stopped');
  });
});

/** Session seconds recorded for the tenant in Postgres. */
async function billedSeconds(tenant: string): Promise<number> {
  const { db, close } = createDb(databaseUrl, { max: 1 });
  try {
    const rows = (await db.execute(sql`select coalesce(sum(session_hours), 0)::float8 as h from usage_records where tenant_id = ${tenant}`)) as unknown as Array<{ h: number }>;
    return rows[0]!.h * 3600;
  } finally {
    await close();
  }
}

async function endedSession(tenant: string, id: string, timeoutMs = 30_000) {
  return until('the session to end', async () => {
    const s = await sessionIn(tenant, id);
    return s?.state === 'ended' ? s : undefined;
  }, timeoutMs);
}

/** A real node's session, its node SIGKILLed 3 s after it became active. */
async function killedMidSession() {
  const { tenant, node } = await tenantWithNode();
  const id = await startActive(tenant);
  const activeAt = Date.now();
  await sleep(3000);
  process.kill(-node.pid, 'SIGKILL');
  return { tenant, id, activeAt, alive: (Date.now() - activeAt) / 1000 };
}

describe.concurrent('hours are what was used', () => {
  it('bills a SIGKILLed node\'s session up to its last sign of life, not until it is found lost', async () => {
    const { tenant, id, activeAt, alive } = await killedMidSession();
    const ended = await endedSession(tenant, id);
    expect(ended.end_reason).toBe('node_lost');
    const billed = await until('the hours flushed', async () => ((await billedSeconds(tenant)) > 0 ? billedSeconds(tenant) : undefined));
    // Heartbeats every 500 ms: the last sign is at most that before the kill (and activation came a little before `activeAt`).
    expect(billed).toBeGreaterThan(alive - 1);
    expect(billed).toBeLessThan(alive + 1);
    // Not the timeout the edge took to notice.
    expect((Date.parse(ended.ended_at) - activeAt) / 1000).toBeGreaterThan(alive + TIMEOUT_MS / 1000 - 1);
  });

  it('ends a session at its quota, set from the remaining hours when it became active', async () => {
    const { tenant } = await tenantWithNode();
    expect((await api('PUT', `/tenants/${tenant}`, { monthly_session_hours: 20 / 3600 })).status).toBe(200);
    const id = await startActive(tenant);
    const activeAt = Date.now();
    const ended = await endedSession(tenant, id, 60_000);
    expect(ended.end_reason).toBe('quota');
    const ranFor = (Date.parse(ended.ended_at) - activeAt) / 1000;
    expect(ranFor).toBeGreaterThan(19);
    expect(ranFor).toBeLessThan(23);
    // Usage flushes on the coordinator's next alarm, which may come after the session row says ended.
    const billed = await until('the hours flushed', async () => ((await billedSeconds(tenant)) > 0 ? billedSeconds(tenant) : undefined));
    expect(billed).toBeGreaterThan(19);
    expect(billed).toBeLessThan(21);
  });
});

describe.concurrent('a voice session through the real edge', () => {
  it("carries a player's question and the NPC's spoken answer into Postgres, with the session's usage", async () => {
    const { tenant } = await tenantWithNode();
    const { db, close } = createDb(databaseUrl, { max: 1 });
    // The node sends the turn for recognition at each pause (after "Grimjaw," too): only the whole question is heard as one.
    const stt = await startOpenAiStandIn({ transcript: (samples) => (samples.length / 16_000 > 1.2 ? 'Grimjaw, what do you sell?' : '') });
    const llm = await startOpenAiStandIn({ reply: () => 'Axes and hammers, friend. Finest in Ironhold.' });
    try {
      // The demo campaign: Grimjaw speaks with the keyless espeak-ng voice, so no TTS provider is set.
      await createCampaign(db, tenant, DEMO_CAMPAIGN, { makeCurrent: true });
      for (const [role, standIn] of [['stt', stt], ['llm', llm]] as const) {
        const put = await api('PUT', `/tenants/${tenant}/providers/${role}`, { kind: 'openai', base_url: standIn.url, model: 'stand-in', api_key: `sk-${role}` });
        expect(put.status).toBe(200);
      }
      const started = await api('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
      expect(started.body.session).toMatchObject({ state: 'active', audio: { transport: 'websocket' } });
      const { id, audio } = started.body.session;

      const player = await connectAudioClient({ url: audio.url, token: audio.token, speakerId: '423456789012345678', speakerName: 'Ana' });
      await player.streamFrames(fixtureOpusFrames('grimjaw-what-do-you-sell'));
      await until('Grimjaw to answer aloud', async () => (player.frames.filter((f) => f.value.length > SILENCE_FRAME.length).length > 10 ? true : undefined));
      // The tenant's own key went to its provider.
      expect(llm.requests.at(-1)!.headers.authorization).toBe('Bearer sk-llm');

      const lines = await until('both lines in Postgres', async () => {
        const rows = (await db.execute(
          sql`select speaker_name, npc, text from session_entries where tenant_id = ${tenant} and session_id = ${id} order by spoken_at`,
        )) as unknown as Array<{ speaker_name: string; npc: boolean; text: string }>;
        return rows.length >= 2 ? rows : undefined;
      });
      expect(lines.slice(0, 2)).toEqual([
        { speaker_name: 'Ana', npc: false, text: 'Grimjaw, what do you sell?' },
        { speaker_name: 'Grimjaw', npc: true, text: 'Axes and hammers, friend. Finest in Ironhold.' },
      ]);
      await sleep(1500);
      await player.close();
      expect((await api('POST', `/sessions/${id}/stop`)).body.session.state).toBe('ended');
      const usage = await until('usage in Postgres', async () => {
        const rows = (await db.execute(
          sql`select coalesce(sum(llm_tokens), 0)::int as llm, coalesce(sum(stt_seconds), 0)::float8 as stt, coalesce(sum(tts_chars), 0)::int as tts from usage_records where tenant_id = ${tenant}`,
        )) as unknown as Array<{ llm: number; stt: number; tts: number }>;
        return rows[0]!.tts > 0 ? rows[0]! : undefined;
      });
      expect(usage.llm).toBeGreaterThan(0);
      expect(usage.stt).toBeGreaterThan(1);
      // At least the answer heard; a speculative answer to the question's first half, cancelled
      // when the player went on after the comma, was synthesized and counts too.
      expect(usage.tts).toBeGreaterThanOrEqual('Axes and hammers, friend.'.length + 'Finest in Ironhold.'.length);
    } finally {
      await Promise.all([stt.close(), llm.close(), close()]);
    }
  });
});

describe.concurrent('slash commands to a real voice node', () => {
  it('relays /npc list from a signed interaction to the node running the guild session, and edits in its answer', async () => {
    const { tenant } = await tenantWithNode();
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = toHex(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
    const applicationId = snowflake();
    const guildId = snowflake();
    const updated = await api('PUT', `/tenants/${tenant}`, { discord_application_id: applicationId, discord_public_key: publicKey, bot_token: `bot-${crypto.randomUUID()}`, guild_ids: [guildId] });
    expect(updated.body).toMatchObject({ tenant: { id: tenant } });
    const { db, close } = createDb(databaseUrl, { max: 1 });
    try {
      await createCampaign(db, tenant, DEMO_CAMPAIGN, { makeCurrent: true });
    } finally {
      await close();
    }
    // In the browser, so the node need not log in to Discord; the command path is the same.
    const started = await api('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: guildId, channel_id: snowflake(), started_by: snowflake(), transport: 'websocket' });
    expect(started.body.session.state).toBe('active');

    const token = `itoken-${crypto.randomUUID()}`;
    const body = JSON.stringify({
      id: snowflake(),
      application_id: applicationId,
      type: 2,
      token,
      version: 1,
      guild_id: guildId,
      channel_id: snowflake(),
      member: { user: { id: snowflake(), username: 'dm' }, roles: [] },
      data: { id: snowflake(), name: 'npc', type: 1, options: [{ name: 'list', type: 1, options: [] }] },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = toHex(new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, new TextEncoder().encode(timestamp + body))));
    const res = await fetch(`${edgeUrl}/discord/${tenant}/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: number }).type).toBe(5);
    const edit = await until('the deferred reply to be edited', async () =>
      discord.calls.find((c) => c.method === 'PATCH' && c.path === `/api/v10/webhooks/${applicationId}/${token}/messages/@original`),
    );
    const shown = JSON.stringify(edit.body);
    for (const name of ['Grimjaw', 'Elara', 'The Narrator']) expect(shown).toContain(name);
  });
});

// Last, one at a time: they stop and restart the edge every test above shares.
describe('across an edge restart', () => {
  it('keeps a session whose node reconnects within the timeout, and counts its hours once', async () => {
    const { tenant } = await tenantWithNode();
    const id = await startActive(tenant);
    await sleep(1500);
    // The edge goes away and comes back (its Durable Objects restart from storage); the node reconnects.
    await edge.stop();
    edge = await launchEdge();
    await sleep(1500);
    expect((await sessionIn(tenant, id)).state).toBe('active');
    await sleep(TIMEOUT_MS);
    const stillLive = await sessionIn(tenant, id);
    expect(stillLive.state).toBe('active');
    const stopped = await api('POST', `/sessions/${id}/stop`);
    expect(stopped.body.session.state).toBe('ended');

    const ended = await sessionIn(tenant, id);
    const wallSeconds = (Date.parse(ended.ended_at) - Date.parse(ended.started_at)) / 1000;
    const recorded = await billedSeconds(tenant);
    // Time from start to active is not billed; nothing is doubled, nothing lost beyond that.
    expect(recorded).toBeLessThanOrEqual(wallSeconds + 0.01);
    expect(recorded).toBeGreaterThan(wallSeconds - 2);
  });

  it('still bills up to the last sign of life when the edge went down too and came back', async () => {
    const { tenant, id, alive } = await killedMidSession();
    await edge.stop();
    await sleep(2000);
    edge = await launchEdge();
    const ended = await endedSession(tenant, id, 60_000);
    expect(ended.end_reason).toBe('node_lost');
    const billed = await until('the hours flushed', async () => ((await billedSeconds(tenant)) > 0 ? billedSeconds(tenant) : undefined));
    // What survived the restart is the last listing stored, to within a third of the timeout.
    expect(billed).toBeGreaterThan(alive - TIMEOUT_MS / 3000 - 1);
    expect(billed).toBeLessThan(alive + 1);
  });
});
