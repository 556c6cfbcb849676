import { beforeAll, describe, expect, it } from 'vitest';
import { admin, uniqueTenantId } from './helpers/admin.ts';
import { appKeys, discordTenant, editedReply, interaction, postInteraction, standInCalls } from './helpers/discord.ts';

const ping = (applicationId = '100000000000000009') => ({ id: '100000000000000010', application_id: applicationId, type: 1, token: 'ping-token', version: 1 });

describe('signed Discord interactions', () => {
  // The file's first request loads the Worker; on a busy machine that alone can outlast a test's timeout, not a hook's.
  beforeAll(() => admin('GET', '/tenants?limit=1'));

  it('answers a PING signed with the tenant\'s key with a PONG', async () => {
    const t = await discordTenant();
    const res = await postInteraction(t.id, t.keys.privateKey, ping(t.applicationId));
    expect(res).toEqual({ status: 200, body: { type: 1 } });
  });

  it('rejects a request without a signature', async () => {
    const t = await discordTenant();
    const res = await postInteraction(t.id, t.keys.privateKey, ping(), { unsigned: true });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
  });

  it('rejects a request signed with another key', async () => {
    const t = await discordTenant();
    const stranger = await appKeys();
    expect((await postInteraction(t.id, stranger.privateKey, ping())).status).toBe(401);
  });

  it('rejects a timestamp more than five minutes off, either way, even when correctly signed', async () => {
    const t = await discordTenant();
    // Read the clock at each request and keep clear of the bound: a slow request must not carry one across it.
    const now = () => Math.floor(Date.now() / 1000);
    expect((await postInteraction(t.id, t.keys.privateKey, ping(), { timestamp: now() - 310 })).status).toBe(401);
    expect((await postInteraction(t.id, t.keys.privateKey, ping(), { timestamp: now() + 310 })).status).toBe(401);
    expect((await postInteraction(t.id, t.keys.privateKey, ping(t.applicationId), { timestamp: now() - 240 })).status).toBe(200);
  });

  it('rejects a body altered after signing', async () => {
    const t = await discordTenant();
    const res = await postInteraction(t.id, t.keys.privateKey, interaction(t, 'npc', { subcommand: 'list' }), {
      tamper: (body) => body.replace('"roles":[]', '"roles":["100000000000000042"]'),
    });
    expect(res.status).toBe(401);
  });

  it('never lets one tenant\'s key act for another tenant', async () => {
    const a = await discordTenant();
    const b = await discordTenant();
    expect((await postInteraction(b.id, a.keys.privateKey, ping(b.applicationId))).status).toBe(401);
    expect((await postInteraction(a.id, b.keys.privateKey, ping(a.applicationId))).status).toBe(401);
    expect((await postInteraction(a.id, a.keys.privateKey, ping(a.applicationId))).status).toBe(200);
    expect((await postInteraction(b.id, b.keys.privateKey, ping(b.applicationId))).status).toBe(200);
  });

  it('answers 404 for an unknown tenant and for a tenant without a public key', async () => {
    const keys = await appKeys();
    const unknown = await postInteraction(uniqueTenantId(), keys.privateKey, ping());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('tenant_not_found');
    const keyless = uniqueTenantId();
    await admin('POST', '/tenants', { id: keyless });
    expect((await postInteraction(keyless, keys.privateKey, ping())).status).toBe(404);
    expect((await postInteraction('Not A Tenant!', keys.privateKey, ping())).status).toBe(404);
  });

  it('refuses a correctly signed interaction for another application than the tenant\'s', async () => {
    const t = await discordTenant();
    const res = await postInteraction(t.id, t.keys.privateKey, ping('100000000000000999'));
    expect([res.status, res.body.error.code, res.body.error.field]).toEqual([403, 'wrong_application', 'application_id']);
  });

  it('lets one Discord application and one public key belong to one tenant only, with a 409 naming the field', async () => {
    const a = await discordTenant();
    const b = await discordTenant();
    const sameApp = await admin('POST', '/tenants', { id: uniqueTenantId(), discord_application_id: a.applicationId });
    expect([sameApp.status, sameApp.body.error.code, sameApp.body.error.field]).toEqual([409, 'conflict', 'discord_application_id']);
    // The same key in capitals is the same key.
    const sameKey = await admin('PUT', `/tenants/${b.id}`, { discord_public_key: a.keys.publicKeyHex.toUpperCase() });
    expect([sameKey.status, sameKey.body.error.field]).toEqual([409, 'discord_public_key']);
    const moved = await admin('PUT', `/tenants/${b.id}`, { discord_application_id: a.applicationId });
    expect([moved.status, moved.body.error.field]).toEqual([409, 'discord_application_id']);
    // Nothing of the refused changes was kept: b still answers for its own application only.
    expect((await postInteraction(b.id, b.keys.privateKey, ping(b.applicationId))).status).toBe(200);
  });

  it('refuses a signed body that is not an interaction, naming the field', async () => {
    const t = await discordTenant();
    const res = await postInteraction(t.id, t.keys.privateKey, { type: 1, id: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('id');
  });

  it('runs an interaction once, however often the same signed request comes within its window', async () => {
    const t = await discordTenant();
    const body = interaction(t, 'campaign', { subcommand: 'info' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await postInteraction(t.id, t.keys.privateKey, body));
    expect(answers[0]!.body).toEqual({ type: 5, data: { flags: 64 } });
    for (const again of answers.slice(1)) expect(again).toEqual({ status: 200, body: { type: 4, data: { content: 'That was already received; it is not run twice.', flags: 64 } } });
    await editedReply(body.token);
    await new Promise((r) => setTimeout(r, 300));
    expect((await standInCalls()).filter((c) => c.method === 'PATCH' && c.path.includes(`/${body.token}/`))).toHaveLength(1);
    // Another interaction, and another tenant's with the same id, run.
    expect((await postInteraction(t.id, t.keys.privateKey, interaction(t, 'campaign', { subcommand: 'info' }))).body.type).toBe(5);
    const other = await discordTenant();
    expect((await postInteraction(other.id, other.keys.privateKey, { ...interaction(other, 'campaign', { subcommand: 'info' }), id: body.id })).body.type).toBe(5);
  });
});
