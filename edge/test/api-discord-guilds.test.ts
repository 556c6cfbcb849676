import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_STAND_IN_BASE } from './discord-stand-in.ts';
import { snowflake } from './helpers/admin.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;
const botToken = `bot.${crypto.randomUUID().replaceAll('-', '')}`;
const guild = { id: snowflake(), name: 'The Yawning Portal' };
const channels = [
  { id: snowflake(), name: 'tavern-chat', type: 0 },
  { id: snowflake(), name: 'Table 1', type: 2 },
  { id: snowflake(), name: 'Sessions', type: 4 },
  { id: snowflake(), name: 'Main stage', type: 13 },
];

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  // What Discord knows: the bot with this token is in one guild.
  const seeded = await fetch(`${DISCORD_STAND_IN_BASE.replace('/api/v10', '/__stand-in')}/bot-guilds/${botToken}`, { method: 'PUT', body: JSON.stringify({ guilds: [{ ...guild, channels }] }) });
  expect(seeded.status).toBe(204);
});

describe("/api/v1/tenants/:id/discord: where the tenant's bot can start a session", () => {
  it('refuses to guess without a bot token', async () => {
    const res = await api(owner.token, 'GET', `/tenants/${tenant}/discord/guilds`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_bot_token');
  });

  it("lists the bot's guilds and a guild's voice and stage channels, read from Discord with the tenant's own token", async () => {
    expect((await api(owner.token, 'PUT', `/tenants/${tenant}`, { bot_token: botToken })).status).toBe(200);
    const dm = await memberOf(tenant, 'dm');
    const guilds = await api(dm.token, 'GET', `/tenants/${tenant}/discord/guilds`);
    expect(guilds.status, JSON.stringify(guilds.body)).toBe(200);
    expect(guilds.body).toEqual({ guilds: [{ id: guild.id, name: guild.name, icon: null }] });
    const voice = await api(dm.token, 'GET', `/tenants/${tenant}/discord/guilds/${guild.id}/voice-channels`);
    expect(voice.body).toEqual({
      channels: [
        { id: channels[1]!.id, name: 'Table 1', type: 'voice' },
        { id: channels[3]!.id, name: 'Main stage', type: 'stage' },
      ],
    });
    const calls = (await (await fetch(`${DISCORD_STAND_IN_BASE.replace('/api/v10', '/__stand-in')}/calls`)).json()) as { calls: Array<{ path: string; authorization: string }> };
    expect(calls.calls.filter((c) => c.path === `/guilds/${guild.id}/channels`).map((c) => c.authorization)).toEqual([`Bot ${botToken}`]);

    const elsewhere = await api(dm.token, 'GET', `/tenants/${tenant}/discord/guilds/${snowflake()}/voice-channels`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error).toMatchObject({ code: 'guild_not_found', field: 'guild_id' });
    expect((await api(dm.token, 'GET', `/tenants/${tenant}/discord/guilds/general/voice-channels`)).body.error.field).toBe('guildId');
  });

  it('is for those who start sessions: a viewer is refused, another tenant is not found', async () => {
    const viewer = await memberOf(tenant, 'viewer');
    expect((await api(viewer.token, 'GET', `/tenants/${tenant}/discord/guilds`)).status).toBe(403);
    expect((await api((await signIn()).token, 'GET', `/tenants/${tenant}/discord/guilds`)).status).toBe(404);
  });
});
