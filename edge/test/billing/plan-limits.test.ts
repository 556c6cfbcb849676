import { env, exports } from 'cloudflare:workers';
import { createDb, listCampaigns } from '@glyphoxa/db';
import { packTar } from 'modern-tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../../src/durable/stubs.ts';
import { admin, snowflake } from '../helpers/admin.ts';
import { deliverAll, onStripe, subscribe } from '../helpers/billing.ts';
import { discordTenant, editedReply, runCommand, uploadAttachment } from '../helpers/discord.ts';
import { startActiveSession, TestNode } from '../helpers/test-node.ts';
import { api, signIn } from '../helpers/web-api.ts';

const NPC = { personality: 'Gruff, honest, hates goblins.', voice: { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB' } };
const start = (tenantId: string) => admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
const stop = (sessionId: string) => admin('POST', `/sessions/${sessionId}/stop`);

/** A campaign archive (docs/CAMPAIGN_ARCHIVE.md) of `npcs` NPCs, and its upload. */
async function archiveWith(name: string, npcs: string[]): Promise<Uint8Array> {
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify({ version: 1, campaign_id: 'c', tenant_id: 't', license_tier: 'shared', exported_at: '2026-12-01T10:00:00.000Z', campaign: { name } }),
    ...Object.fromEntries(npcs.map((n) => [`npcs/${n.toLowerCase()}.yaml`, `name: ${n}\nvoice:\n  provider: espeak\n  voice_id: en\n`])),
  };
  const tar = await packTar(Object.entries(files).map(([file, body]) => ({ header: { name: file, size: new TextEncoder().encode(body).byteLength }, body })));
  return new Uint8Array(await new Response(new Blob([tar]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
}
async function importArchive(token: string, tenant: string, archive: Uint8Array) {
  const res = await exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/campaigns/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' }, body: archive });
  return { status: res.status, body: (await res.json()) as any };
}
async function campaignNames(tenant: string): Promise<string[]> {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    return (await listCampaigns(db, tenant, { limit: 100 })).map((c) => c.name);
  } finally {
    await close();
  }
}

let node: TestNode;
beforeAll(async () => {
  const created = await admin('POST', '/nodes', { pool: 'shared' });
  expect(created.status).toBe(201);
  node = await TestNode.connect(created.body.token, { capacity: 50, audioUrl: 'ws://127.0.0.1:7777/audio' });
});
afterAll(() => node.close());

describe('limits that follow the plan', () => {
  it("refuses NPCs past the plan with 402 naming the plan that allows more, and allows them once it is bought", async () => {
    const owner = await signIn();
    const campaign = (await api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns`, { name: 'Lost Mine' })).body.campaign.id;
    const npc = (name: string) => api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns/${campaign}/npcs`, { ...NPC, name });
    expect((await npc('Grimjaw')).status).toBe(201);
    expect((await npc('Elara')).status).toBe(201);
    const refused = await npc('Sildar');
    expect(refused).toMatchObject({ status: 402, body: { error: { code: 'plan_limit' } } });
    expect(refused.body.error.message).toMatch(/apprentice plan allows 2 NPCs.*the adventurer plan allows more/);
    await subscribe(owner, 'adventurer');
    expect((await npc('Sildar')).status).toBe(201);
  });

  it("refuses an imported campaign whose NPCs would pass the plan, writing nothing, and names the plan that allows them all; the operator's tier lifts it", async () => {
    const owner = await signIn();
    const campaign = (await api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns`, { name: 'Lost Mine' })).body.campaign.id;
    expect((await api(owner.token, 'POST', `/tenants/${owner.tenant}/campaigns/${campaign}/npcs`, { ...NPC, name: 'Grimjaw' })).status).toBe(201);
    // One NPC held; the archive's two would make three, past apprentice's two.
    const archive = await archiveWith('Ironhold', ['Elara', 'Sildar']);
    const refused = await importArchive(owner.token, owner.tenant, archive);
    expect(refused).toMatchObject({ status: 402, body: { error: { code: 'plan_limit' } } });
    expect(refused.body.error.message).toBe('Your apprentice plan allows 2 NPCs and you have 1; 2 more would make 3; the adventurer plan allows that many.');
    expect(await campaignNames(owner.tenant)).toEqual(['Lost Mine']);
    // An archive with no more NPCs than the plan has room for goes in.
    expect((await importArchive(owner.token, owner.tenant, await archiveWith('Phandalin', ['Toblen']))).status).toBe(201);
    // The operator puts the team on a bigger tier (no subscription): its limits apply at once.
    expect((await admin('PUT', `/tenants/${owner.tenant}`, { tier: 'dungeon_master' })).status).toBe(200);
    expect((await importArchive(owner.token, owner.tenant, archive)).status).toBe(201);
    expect((await campaignNames(owner.tenant)).sort()).toEqual(['Ironhold', 'Lost Mine', 'Phandalin']);
  });

  it("refuses a campaign file loaded in Discord whose NPCs pass the plan, saying why and what to do; nothing is created", async () => {
    const dmRole = snowflake();
    const tenant = await discordTenant({ tier: 'apprentice', dm_role_id: dmRole });
    const file = `name: Curse of Strahd\nnpcs:\n${['Ireena', 'Ismark', 'Strahd'].map((n) => `  - { name: ${n}, voice: { provider: espeak, voice_id: en } }\n`).join('')}`;
    const res = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('strahd.yaml', file), roles: [dmRole] });
    expect(await editedReply(res.token)).toBe(
      "Campaign not loaded: Your apprentice plan allows 2 NPCs and you have 0; 3 more would make 3; the adventurer plan allows that many. A team owner changes the plan on the dashboard's Plan screen.",
    );
    expect(await campaignNames(tenant.id)).toEqual([]);
    await admin('DELETE', `/tenants/${tenant.id}`);
  });

  it('refuses seats past the plan, counting pending invites, and allows them on a bigger plan', async () => {
    const owner = await signIn();
    const invite = () => api(owner.token, 'POST', `/tenants/${owner.tenant}/users`, { email: `p-${crypto.randomUUID().slice(0, 8)}@example.test`, role: 'dm' });
    const refused = await invite();
    expect(refused).toMatchObject({ status: 402, body: { error: { code: 'plan_limit' } } });
    expect(refused.body.error.message).toMatch(/the dungeon_master plan allows more/);
    await subscribe(owner, 'dungeon_master');
    expect((await invite()).status).toBe(201);
    expect((await invite()).body.error.message).toMatch(/dungeon_master plan allows 2 seats.*the guild plan allows more/);
  });

  it("refuses a start past the month's sessions (402), counting sessions that ran; a bigger plan lifts it at once", async () => {
    const owner = await signIn();
    for (let i = 0; i < 2; i++) {
      const { id } = await startActiveSession(node, owner.tenant);
      expect((await stop(id)).status).toBe(200);
    }
    const refused = await start(owner.tenant);
    expect(refused).toMatchObject({ status: 402, body: { error: { code: 'monthly_sessions_exhausted' } } });
    expect(refused.body.error.message).toMatch(/allows 2 session\(s\) a month and 2 were started/);
    await subscribe(owner, 'dungeon_master');
    const { id } = await startActiveSession(node, owner.tenant);
    await stop(id);
  });

  it('a downgrade while sessions run lets them finish; the next start is admitted under the smaller plan', async () => {
    const owner = await signIn();
    const { subscriptionId } = await subscribe(owner, 'guild');
    const first = await startActiveSession(node, owner.tenant);
    const second = await startActiveSession(node, owner.tenant);
    // The subscription ends (canceled in the portal): apprentice, one session at a time, two a month.
    await deliverAll(await onStripe(`subscriptions/${subscriptionId}/cancel`));
    const coordinator = coordinatorOf(env, owner.tenant);
    expect((await coordinator.liveSessions()).map((s) => [s.id, s.state]).sort()).toEqual([[first.id, 'active'], [second.id, 'active']].sort());
    expect(node.received.filter((m) => m.type === 'stop_session' && (m.session_id === first.id || m.session_id === second.id))).toEqual([]);
    expect((await start(owner.tenant)).body.error.code).toBe('concurrency_limit');
    await stop(first.id);
    await stop(second.id);
    // Both ran this month: apprentice's two are spent.
    expect((await start(owner.tenant)).body.error.code).toBe('monthly_sessions_exhausted');
  });
});
