import { describe, expect, it } from 'vitest';
import { COMMANDS, registrationPayload } from '../src/discord/registry.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { commandRegistration, denyGuild, registeredCommands, standInCalls, waitForCall } from './helpers/discord.ts';

const COMMAND_NAMES = ['session', 'npc', 'entity', 'campaign', 'feedback'];
const botToken = () => `bot-${crypto.randomUUID()}`;

const putsTo = async (applicationId: string, guildId: string) =>
  (await standInCalls()).filter((c) => c.method === 'PUT' && c.path === `/applications/${applicationId}/guilds/${guildId}/commands`);

describe('the command set', () => {
  it('is the five commands of the contract, each subcommand with a handler', () => {
    expect(registrationPayload().map((c) => c.name)).toEqual(COMMAND_NAMES);
    for (const command of COMMANDS) {
      const subcommands = (command.definition.options ?? []).filter((o) => o.type === 1).map((o) => o.name);
      expect(Object.keys(command.handlers).sort()).toEqual(subcommands.length > 0 ? subcommands.sort() : ['']);
    }
    const npc = COMMANDS.find((c) => c.definition.name === 'npc')!;
    const options = npc.definition.options!.flatMap((o) => ('options' in o ? ((o.options ?? []) as Array<{ name: string; autocomplete?: boolean }>) : []));
    expect(options.filter((o) => o.name === 'name').every((o) => o.autocomplete)).toBe(true);
  });
});

describe('registering commands in a tenant\'s guilds', () => {
  it('registers in every guild on create, with the tenant\'s own bot token, and reports it', async () => {
    const id = uniqueTenantId();
    const app = snowflake();
    const guilds = [snowflake(), snowflake()];
    const token = botToken();
    await admin('POST', '/tenants', { id, discord_application_id: app, bot_token: token, guild_ids: guilds });
    const result = await commandRegistration(id, (r) => r.registered_at !== null);
    expect(result.error).toBeNull();
    for (const guild of guilds) {
      expect((await registeredCommands(app, guild))?.map((c) => c.name)).toEqual(COMMAND_NAMES);
      const [put] = await putsTo(app, guild);
      expect(put?.authorization).toBe(`Bot ${token}`);
    }
  });

  it('registers nothing for a tenant without an application or bot token', async () => {
    const id = uniqueTenantId();
    const guild = snowflake();
    await admin('POST', '/tenants', { id, guild_ids: [guild] });
    await new Promise((r) => setTimeout(r, 200));
    expect((await standInCalls()).some((c) => c.path.includes(guild))).toBe(false);
    expect((await admin('GET', `/tenants/${id}`)).body.tenant.command_registration).toEqual({ registered_at: null, error: null });
  });

  it('follows the guild list on update: new guilds get the set, dropped guilds are cleared', async () => {
    const id = uniqueTenantId();
    const app = snowflake();
    const [kept, dropped, added] = [snowflake(), snowflake(), snowflake()];
    await admin('POST', '/tenants', { id, discord_application_id: app, bot_token: botToken(), guild_ids: [kept, dropped] });
    const first = await commandRegistration(id, (r) => r.registered_at !== null);
    await new Promise((r) => setTimeout(r, 5));
    await admin('PUT', `/tenants/${id}`, { guild_ids: [kept, added] });
    await commandRegistration(id, (r) => r.registered_at !== first.registered_at);
    expect((await registeredCommands(app, added))?.map((c) => c.name)).toEqual(COMMAND_NAMES);
    expect(await registeredCommands(app, dropped)).toEqual([]);
    expect((await registeredCommands(app, kept))?.map((c) => c.name)).toEqual(COMMAND_NAMES);
  });

  it('re-registers with a new bot token', async () => {
    const id = uniqueTenantId();
    const app = snowflake();
    const guild = snowflake();
    await admin('POST', '/tenants', { id, discord_application_id: app, bot_token: botToken(), guild_ids: [guild] });
    const first = await commandRegistration(id, (r) => r.registered_at !== null);
    const fresh = botToken();
    await new Promise((r) => setTimeout(r, 5));
    await admin('PUT', `/tenants/${id}`, { bot_token: fresh });
    await waitForCall((c) => c.path === `/applications/${app}/guilds/${guild}/commands` && c.authorization === `Bot ${fresh}`);
    await commandRegistration(id, (r) => r.registered_at !== first.registered_at);
  });

  it('reports a guild Discord refuses, still registers the others, and never holds up another tenant', async () => {
    const id = uniqueTenantId();
    const app = snowflake();
    const [denied, fine] = [snowflake(), snowflake()];
    await denyGuild(denied);
    const other = uniqueTenantId();
    const otherApp = snowflake();
    const otherGuild = snowflake();
    await Promise.all([
      admin('POST', '/tenants', { id, discord_application_id: app, bot_token: botToken(), guild_ids: [denied, fine] }),
      admin('POST', '/tenants', { id: other, discord_application_id: otherApp, bot_token: botToken(), guild_ids: [otherGuild] }),
    ]);
    const failed = await commandRegistration(id, (r) => r.error !== null);
    expect(failed.registered_at).toBeNull();
    expect(failed.error).toBe(`guild ${denied} (registering): PUT /applications/:app/guilds/:guild/commands: 403 (50001) Missing Access`);
    expect((await registeredCommands(app, fine))?.map((c) => c.name)).toEqual(COMMAND_NAMES);
    expect((await commandRegistration(other, (r) => r.registered_at !== null)).error).toBeNull();
  });

  it('removes the commands from every guild when the tenant is deleted', async () => {
    const id = uniqueTenantId();
    const app = snowflake();
    const guilds = [snowflake(), snowflake()];
    await admin('POST', '/tenants', { id, discord_application_id: app, bot_token: botToken(), guild_ids: guilds });
    await commandRegistration(id, (r) => r.registered_at !== null);
    expect((await admin('DELETE', `/tenants/${id}`)).status).toBe(200);
    for (const guild of guilds) {
      await waitForCall((c) => c.path === `/applications/${app}/guilds/${guild}/commands` && Array.isArray(c.body) && c.body.length === 0);
      expect(await registeredCommands(app, guild)).toEqual([]);
    }
  });
});
