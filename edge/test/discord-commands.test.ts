import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { createDb } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { admin, snowflake } from './helpers/admin.ts';
import { discordTenant, editedReply, runCommand, setVoiceState, standInCalls, type DiscordTenant } from './helpers/discord.ts';
import { TestNode } from './helpers/test-node.ts';

const DEFERRED_EPHEMERAL = { type: 5, data: { flags: 64 } };
const DM_ROLE = '100000000000000777';
const dm = { roles: [DM_ROLE] };
const channelOption = (id: string) => ({ name: 'channel', type: 7, value: id });
const nameOption = (value: string, focused = false) => ({ name: 'name', type: 3, value, focused });

describe('slash commands, answered by a tenant\'s bot', () => {
  let tenant: DiscordTenant;
  let node: TestNode;
  /** Each test plays in its own server, so one server's session does not stand in another's way. */
  const inNewGuild = (): DiscordTenant => ({ ...tenant, guildId: snowflake() });

  async function startedSession(t: DiscordTenant) {
    const channel = snowflake();
    const res = await runCommand(t, 'session', { subcommand: 'start', options: [channelOption(channel)], ...dm });
    expect(res.body).toEqual(DEFERRED_EPHEMERAL);
    const assignment = await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId);
    expect(await editedReply(res.token)).toBe(`Session started in <#${channel}>. Your NPCs are joining the channel.`);
    return { sessionId: (assignment as { session_id: string }).session_id, channel };
  }

  beforeAll(async () => {
    // A dedicated pool: this file's node is the only one its sessions can land on.
    tenant = await discordTenant({ license_tier: 'dedicated', max_concurrent_sessions: 50, dm_role_id: DM_ROLE });
    const created = await admin('POST', '/nodes', { pool: tenant.id });
    node = await TestNode.connect(created.body.token, { capacity: 50 });
  });
  // Ending the file's sessions here, awaited, leaves no coordinator writing to Postgres while the file is torn down.
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant.id}`);
    node.close();
  });

  describe('/session', () => {
    it('starts in the channel named, and stops', async () => {
      const t = inNewGuild();
      const { sessionId, channel } = await startedSession(t);
      const sessions = await admin('GET', `/tenants/${t.id}/sessions`);
      expect(sessions.body.sessions.find((s: { id: string }) => s.id === sessionId)).toMatchObject({ channel_id: channel, guild_id: t.guildId, started_by: '100000000000000001' });

      const stop = await runCommand(t, 'session', { subcommand: 'stop', ...dm });
      expect(stop.body).toEqual(DEFERRED_EPHEMERAL);
      await node.next((m) => m.type === 'stop_session' && m.session_id === sessionId);
      expect(await editedReply(stop.token)).toBe('Session stopped. Thanks for playing!');

      // Both are on the audit trail, with the Discord member as the actor.
      const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
      const audit = await db.execute<{ actor: string; action: string }>(sql`select actor, action from audit_log where target = ${sessionId} order by id`);
      expect(audit.map((r) => ({ ...r }))).toEqual([
        { actor: 'discord:100000000000000001', action: 'session.start' },
        { actor: 'discord:100000000000000001', action: 'session.stop' },
      ]);
    });

    it('starts in the voice channel the caller is in, asking Discord with the tenant\'s own bot token', async () => {
      const t = inNewGuild();
      const user = snowflake();
      const voice = snowflake();
      await setVoiceState(t.guildId, user, voice);
      const res = await runCommand(t, 'session', { subcommand: 'start', userId: user, ...dm });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      const assignment = await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId);
      expect(assignment).toMatchObject({ channel_id: voice, started_by: user });
      expect(await editedReply(res.token)).toBe(`Session started in <#${voice}>. Your NPCs are joining the channel.`);
      const lookup = (await standInCalls()).find((c) => c.path === `/guilds/${t.guildId}/voice-states/${user}`);
      expect(lookup?.authorization).toBe(`Bot ${t.botToken}`);
    });

    it('says so when the caller is in no voice channel and named none', async () => {
      const t = inNewGuild();
      const res = await runCommand(t, 'session', { subcommand: 'start', userId: snowflake(), ...dm });
      expect(await editedReply(res.token)).toMatch(/^You are not in a voice channel\. Join the one you play in/);
    });

    it('passes on the coordinator\'s refusal: one live session per server', async () => {
      const t = inNewGuild();
      await startedSession(t);
      const again = await runCommand(t, 'session', { subcommand: 'start', options: [channelOption(snowflake())], ...dm });
      expect(await editedReply(again.token)).toMatch(/This server already has a live session/);
    });

    it('says there is nothing to stop when no session runs in the server', async () => {
      const res = await runCommand(inNewGuild(), 'session', { subcommand: 'stop', ...dm });
      expect(await editedReply(res.token)).toBe('No session is running in this server. Start one with `/session start`.');
    });

    it('refuses members without the DM role at once, privately, saying why', async () => {
      const t = inNewGuild();
      for (const subcommand of ['start', 'stop']) {
        const res = await runCommand(t, 'session', { subcommand, roles: ['100000000000000888'] });
        expect(res.body).toEqual({
          type: 4,
          data: { content: `Only the DM can do that: it needs the <@&${DM_ROLE}> role, which you do not have.`, flags: 64, allowed_mentions: { parse: [] } },
        });
      }
    });

    it('lets every member act as DM when the tenant has no DM role', async () => {
      const open = await discordTenant();
      const res = await runCommand(open, 'session', { subcommand: 'stop' });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      expect(await editedReply(res.token)).toMatch(/^No session is running/);
    });
  });

  describe('/npc', () => {
    it('relays mute to the node running the server\'s session and reports back', async () => {
      const t = inNewGuild();
      const { sessionId } = await startedSession(t);
      const res = await runCommand(t, 'npc', { subcommand: 'mute', options: [nameOption('Grimjaw')], ...dm });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      const command = await node.next((m) => m.type === 'npc_command' && m.session_id === sessionId);
      expect(command).toMatchObject({ action: 'mute', name: 'Grimjaw' });
      node.send({ type: 'reply', request_id: (command as { request_id: string }).request_id, ok: true, data: { muted: 'Grimjaw' } });
      expect(await editedReply(res.token)).toBe('Grimjaw is muted.');
    });

    it('lists the NPCs with their muted flags, for any member', async () => {
      const t = inNewGuild();
      const { sessionId } = await startedSession(t);
      const res = await runCommand(t, 'npc', { subcommand: 'list' });
      const command = await node.next((m) => m.type === 'npc_command' && m.session_id === sessionId);
      expect(command).toMatchObject({ action: 'list' });
      const npcs = [{ name: 'Grimjaw', muted: true }, { name: 'Sera', muted: false }];
      node.send({ type: 'reply', request_id: (command as { request_id: string }).request_id, ok: true, data: { npcs } });
      expect(await editedReply(res.token)).toBe('NPCs in this session:\n• Grimjaw (muted)\n• Sera');
    });

    it('sends speak, unmute, muteall and unmuteall as the node expects them', async () => {
      const t = inNewGuild();
      const { sessionId } = await startedSession(t);
      const cases = [
        { subcommand: 'speak', options: [nameOption('Sera'), { name: 'text', type: 3, value: 'Welcome, travellers.' }], sent: { action: 'speak', name: 'Sera', text: 'Welcome, travellers.' }, data: { queued: true }, says: 'Sera will say that.' },
        { subcommand: 'unmute', options: [nameOption('Sera')], sent: { action: 'unmute', name: 'Sera' }, data: {}, says: 'Sera is unmuted.' },
        { subcommand: 'muteall', options: [], sent: { action: 'muteall' }, data: {}, says: 'Every NPC is muted.' },
        { subcommand: 'unmuteall', options: [], sent: { action: 'unmuteall' }, data: {}, says: 'Every NPC may speak again.' },
      ];
      for (const c of cases) {
        const res = await runCommand(t, 'npc', { subcommand: c.subcommand, options: c.options, ...dm });
        const command = await node.next((m) => m.type === 'npc_command' && m.session_id === sessionId);
        expect(command).toMatchObject(c.sent);
        node.send({ type: 'reply', request_id: (command as { request_id: string }).request_id, ok: true, data: c.data });
        expect(await editedReply(res.token)).toBe(c.says);
      }
    });

    it('passes on the node\'s refusal', async () => {
      const t = inNewGuild();
      const { sessionId } = await startedSession(t);
      const res = await runCommand(t, 'npc', { subcommand: 'speak', options: [nameOption('Nobody'), { name: 'text', type: 3, value: 'hi' }], ...dm });
      const command = await node.next((m) => m.type === 'npc_command' && m.session_id === sessionId);
      node.send({ type: 'reply', request_id: (command as { request_id: string }).request_id, ok: false, error: { code: 'npc_not_found', message: 'No NPC named Nobody' } });
      expect(await editedReply(res.token)).toBe('No NPC named Nobody');
    });

    it('answers at once and apologises when the node does not answer', async () => {
      const t = inNewGuild();
      await startedSession(t);
      const started = Date.now();
      const res = await runCommand(t, 'npc', { subcommand: 'list' });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await editedReply(res.token)).toBe('The voice service is temporarily unavailable. Please try again shortly.');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('says so when no session runs in the server', async () => {
      const res = await runCommand(inNewGuild(), 'npc', { subcommand: 'muteall', ...dm });
      expect(await editedReply(res.token)).toBe('No session is running in this server. Start one with `/session start`.');
    });

    it('refuses state changes to members without the DM role, but not list', async () => {
      const t = inNewGuild();
      for (const subcommand of ['mute', 'unmute', 'speak', 'muteall', 'unmuteall']) {
        const res = await runCommand(t, 'npc', { subcommand, options: [nameOption('Sera')] });
        expect(res.body.type).toBe(4);
        expect(res.body.data.content).toMatch(/^Only the DM can do that/);
      }
      expect((await runCommand(t, 'npc', { subcommand: 'list' })).body).toEqual(DEFERRED_EPHEMERAL);
    });

    it('autocompletes NPC names from the coordinator, without asking the node', async () => {
      const t = inNewGuild();
      const { sessionId } = await startedSession(t);
      const complete = (typed: string) => runCommand(t, 'npc', { type: 4, subcommand: 'mute', options: [nameOption(typed, true)] });
      // Sessions start with no NPCs until campaigns load them.
      expect((await complete('')).body).toEqual({ type: 8, data: { choices: [] } });

      // The names cached at session start, as the campaign loader will leave them.
      const stub = coordinatorOf(env, t.id);
      await runInDurableObject(stub, (_instance, state) => {
        for (const name of ['Grimjaw', 'Sera', 'Old Grim']) state.storage.sql.exec('insert into session_npcs (session_id, name) values (?, ?)', sessionId, name);
      });
      expect((await complete('grim')).body).toEqual({ type: 8, data: { choices: [{ name: 'Grimjaw', value: 'Grimjaw' }, { name: 'Old Grim', value: 'Old Grim' }] } });
      expect(node.received.filter((m) => m.type === 'npc_command' && m.session_id === sessionId)).toEqual([]);
    });
  });

  describe('what Glyphoxa does not know', () => {
    it('answers an unknown command without failing', async () => {
      const res = await runCommand(inNewGuild(), 'dice', {});
      expect(res.body.data.content).toBe('Glyphoxa does not know that command.');
    });
  });
});
