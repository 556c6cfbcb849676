import { env } from 'cloudflare:workers';
import { appendSessionEntries, createCampaign, createDb, insertSession, listSessionEntries, recaps, withTenant } from '@glyphoxa/db';
import type { NpcCommand } from '@glyphoxa/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake } from './helpers/admin.ts';
import { discordTenant, editedMessage, editedReply, runCommand, type DiscordTenant } from './helpers/discord.ts';
import { TestNode } from './helpers/test-node.ts';
import { LLM_STAND_IN_BASE, LLM_STAND_IN_HOST, LLM_STAND_IN_KEY, LLM_STAND_IN_REPLY, type RecordedRequest } from './vendor-stand-ins.ts';

const DEFERRED_EPHEMERAL = { type: 5, data: { flags: 64 } };
const DM_ROLE = '100000000000000777';
const dm = { roles: [DM_ROLE] };
const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };
const sessionIdOption = (value: string) => [{ name: 'session_id', type: 3, value }];

/** A short evening at the table: five lines of story, two of chatter. */
const EVENING: Array<[speaker: string, npc: boolean, text: string]> = [
  ['Vex', false, 'We arrive at Ironhold as the sun sets behind Mount Kerrak.'],
  ['Grimjaw', true, "Aye, you're the ones the Duke sent about the star-iron."],
  ['Vex', false, 'ok'],
  ['Mira', false, 'Can I roll insight on him?'],
  ['Grimjaw', true, "The wagon never came. Redbrands took it on the mountain road, I'd wager."],
  ['Vex', false, 'Then we ride for the mountain road at dawn.'],
  ['Mira', false, 'yes'],
];
const KEY_LINES = [0, 1, 3, 4, 5].map((i) => `${EVENING[i]![0]}: ${EVENING[i]![2]}`);

describe('/session recap and voice-recap', () => {
  let tenant: DiscordTenant;
  let node: TestNode;
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });

  /** Plays a session in a server of `t` whose node reports the evening's transcript, then ends it. */
  async function playedSession(t: DiscordTenant, lines = EVENING): Promise<string> {
    const res = await admin('POST', `/tenants/${t.id}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    const sessionId = res.body.session.id as string;
    await node.next((m) => m.type === 'start_session' && m.session_id === sessionId);
    const start = Date.parse('2026-11-20T19:00:00Z');
    node.send({
      type: 'transcript',
      session_id: sessionId,
      entries: lines.map(([speaker, npc, text], i) => ({ speaker_id: `s-${speaker}`, speaker_name: speaker, npc, text, at: new Date(start + i * 10_000).toISOString() })),
    });
    for (let i = 0; i < 100 && (await listSessionEntries(db, t.id, sessionId, 100)).length < lines.length; i++) await new Promise((r) => setTimeout(r, 30));
    await admin('POST', `/sessions/${sessionId}/stop`);
    return sessionId;
  }

  const storedRecaps = (t: DiscordTenant, sessionId: string) => withTenant(db, t.id, (tx) => tx.select().from(recaps).where(eq(recaps.sessionId, sessionId)));
  const llmRequests = async (model: string) =>
    ((await (await fetch(`http://${LLM_STAND_IN_HOST}/__requests`)).json()) as { requests: RecordedRequest[] }).requests.filter(
      (r) => (r.body as { model?: string } | undefined)?.model === model,
    );

  beforeAll(async () => {
    // The Worker loads the vendor SDKs on a recap's first use; under the test pool's on-the-fly
    // transforms that takes seconds, so load them here rather than inside a timed wait.
    await import('@glyphoxa/providers/llm');
    tenant = await discordTenant({ license_tier: 'dedicated', max_concurrent_sessions: 10, dm_role_id: DM_ROLE });
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant.id })).body.token, { capacity: 10 });
    await createCampaign(
      db,
      tenant.id,
      { campaign: { name: 'Ironhold', language: 'en' }, npcs: [{ name: 'Grimjaw', voice }, { name: 'Narrator', voice, gmHelper: true }], entities: [] },
      { makeCurrent: true },
    );
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant.id}`);
    node.close();
  });

  it('says there is nothing to recap before any session had a transcript', async () => {
    const res = await runCommand(tenant, 'session', { subcommand: 'recap' });
    expect(res.body).toEqual(DEFERRED_EPHEMERAL);
    expect(await editedReply(res.token)).toBe('No finished session has a transcript yet. Play one, then ask again.');
  });

  it('without an LLM: the key lines in order with their speakers, written once and reused', async () => {
    const sessionId = await playedSession(tenant);
    const res = await runCommand(tenant, 'session', { subcommand: 'recap' });
    const message = await editedMessage(res.token);
    expect(message.embeds).toEqual([
      {
        title: 'Previously in Ironhold',
        description: KEY_LINES.map((line) => `• ${line}`).join('\n'),
        footer: { text: `Session ${sessionId} · key lines from the transcript` },
        timestamp: expect.any(String),
      },
    ]);
    const [stored] = await storedRecaps(tenant, sessionId);
    expect(stored).toMatchObject({ source: 'extractive', text: KEY_LINES.join('\n') });

    // Named, and asked again: the stored recap, not a new one.
    const again = await editedMessage((await runCommand(tenant, 'session', { subcommand: 'recap', options: sessionIdOption(sessionId) })).token);
    expect(again.embeds[0]!.description).toBe(message.embeds[0]!.description);
    expect(await storedRecaps(tenant, sessionId)).toHaveLength(1);
  });

  it('with the tenant\'s LLM: its recap, asked with the tenant\'s key and the transcript, and kept', async () => {
    const t = await discordTenant({ license_tier: 'dedicated' });
    try {
      const model = `recap-${t.id}`;
      await createCampaign(db, t.id, { campaign: { name: 'Ironhold' }, npcs: [], entities: [] }, { makeCurrent: true });
      await admin('PUT', `/tenants/${t.id}/providers/llm`, { kind: 'openai', base_url: LLM_STAND_IN_BASE, model, api_key: LLM_STAND_IN_KEY });
      node.close();
      node = await TestNode.connect((await admin('POST', '/nodes', { pool: t.id })).body.token, { capacity: 10 });
      const sessionId = await playedSession(t);

      const message = await editedMessage((await runCommand(t, 'session', { subcommand: 'recap' })).token, 10_000);
      expect(message.embeds[0]).toMatchObject({ title: 'Previously in Ironhold', description: LLM_STAND_IN_REPLY, footer: { text: `Session ${sessionId} · written by your LLM` } });
      expect(await storedRecaps(t, sessionId)).toMatchObject([{ source: 'llm', text: LLM_STAND_IN_REPLY }]);
      const [request] = await llmRequests(model);
      expect(request!.headers.authorization).toBe(`Bearer ${LLM_STAND_IN_KEY}`);
      const body = request!.body as { messages: Array<{ role: string; content: string }> };
      expect(body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('"Ironhold"') });
      expect(body.messages[1]!.content).toContain("Grimjaw (NPC): The wagon never came. Redbrands took it on the mountain road, I'd wager.");

      // Asked again: kept, so the LLM is not asked twice.
      await editedMessage((await runCommand(t, 'session', { subcommand: 'recap', options: sessionIdOption(sessionId) })).token);
      expect(await llmRequests(model)).toHaveLength(1);

      // A key the LLM refuses: the key lines for now, and nothing kept, so the LLM writes it later.
      await admin('PUT', `/tenants/${t.id}/providers/llm`, { kind: 'openai', base_url: LLM_STAND_IN_BASE, model, api_key: 'sk-wrong' });
      const second = await playedSession(t);
      const fallback = await editedMessage((await runCommand(t, 'session', { subcommand: 'recap' })).token, 10_000);
      expect(fallback.embeds[0]).toMatchObject({ description: KEY_LINES.map((line) => `• ${line}`).join('\n'), footer: { text: `Session ${second} · key lines (your LLM did not answer)` } });
      expect(await storedRecaps(t, second)).toEqual([]);
    } finally {
      node.close();
      node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant.id })).body.token, { capacity: 10 });
      await admin('DELETE', `/tenants/${t.id}`);
    }
  });

  it('refuses an id that is not one, and never shows another tenant\'s session', async () => {
    const bad = await runCommand(tenant, 'session', { subcommand: 'recap', options: sessionIdOption('last-week') });
    expect(bad.body.data.content).toBe("`session_id` must be a session id, as a recap's footer shows it.");
    const t = await discordTenant();
    try {
      const theirs = await insertSession(db, t.id, { id: crypto.randomUUID(), tenantId: t.id, guildId: snowflake(), channelId: snowflake(), startedBy: snowflake(), state: 'ended' });
      await appendSessionEntries(db, t.id, [{ sessionId: theirs.id, campaignId: null, speakerId: 's', speakerName: 'Spy', text: 'Their secret plan is afoot tonight.', spokenAt: new Date() }]);
      const res = await runCommand(tenant, 'session', { subcommand: 'recap', options: sessionIdOption(theirs.id) });
      expect(await editedReply(res.token)).toBe(`You have no session ${theirs.id}.`);
      // Their own bot sees it.
      const own = await editedMessage((await runCommand(t, 'session', { subcommand: 'recap', options: sessionIdOption(theirs.id) })).token);
      expect(own.embeds[0]!.description).toBe('• Spy: Their secret plan is afoot tonight.');
    } finally {
      await admin('DELETE', `/tenants/${t.id}`);
    }
  });

  describe('voice-recap', () => {
    it('without a running session: the text recap, with a note saying so', async () => {
      const res = await runCommand(tenant, 'session', { subcommand: 'voice-recap', ...dm });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      const message = await editedMessage(res.token);
      expect(message.content).toBe('No session is running in this server to speak it (`/session start` one first). Here is the recap as text.');
      expect(message.embeds[0]!.description).toBe(KEY_LINES.map((line) => `• ${line}`).join('\n'));
    });

    it('with a running session: the campaign\'s GM helper speaks it through the node', async () => {
      const t = { ...tenant, guildId: snowflake() };
      const start = await runCommand(t, 'session', { subcommand: 'start', options: [{ name: 'channel', type: 7, value: snowflake() }], ...dm });
      const assignment = (await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId)) as { session_id: string };
      await editedReply(start.token);

      const res = await runCommand(t, 'session', { subcommand: 'voice-recap', ...dm });
      const command = (await node.next((m) => m.type === 'npc_command' && m.session_id === assignment.session_id)) as NpcCommand & { request_id: string };
      expect(command).toMatchObject({ action: 'speak', name: 'Narrator', text: KEY_LINES.join(' ') });
      node.send({ type: 'reply', request_id: command.request_id, ok: true, data: { queued: true } });
      const message = await editedMessage(res.token);
      expect(message.content).toBe('Narrator is telling the table the recap.');
      expect(message.embeds).toHaveLength(1);
      await runCommand(t, 'session', { subcommand: 'stop', ...dm }).then((r) => editedReply(r.token));
    });

    it('says so when the running session\'s campaign has no GM helper', async () => {
      const t = await discordTenant({ license_tier: 'dedicated' });
      try {
        await createCampaign(db, t.id, { campaign: { name: 'Helperless' }, npcs: [{ name: 'Grimjaw', voice }], entities: [] }, { makeCurrent: true });
        node.close();
        node = await TestNode.connect((await admin('POST', '/nodes', { pool: t.id })).body.token, { capacity: 10 });
        const played = await playedSession(t);
        const start = await runCommand(t, 'session', { subcommand: 'start', options: [{ name: 'channel', type: 7, value: snowflake() }] });
        await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId);
        await editedReply(start.token);
        const message = await editedMessage((await runCommand(t, 'session', { subcommand: 'voice-recap' })).token);
        expect(message.content).toBe("The running session's campaign has no GM-helper NPC to speak it (mark one with `gm_helper: true`). Here is the recap as text.");
        expect(message.embeds[0]!.footer!.text).toBe(`Session ${played} · key lines from the transcript`);
        expect(node.received.filter((m) => m.type === 'npc_command')).toEqual([]);
      } finally {
        node.close();
        node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant.id })).body.token, { capacity: 10 });
        await admin('DELETE', `/tenants/${t.id}`);
      }
    });

    it('is the DM\'s: refused to members without the DM role, while recap is not', async () => {
      const res = await runCommand(tenant, 'session', { subcommand: 'voice-recap' });
      expect(res.body.data.content).toBe(`Only the DM can do that: it needs the <@&${DM_ROLE}> role, which you do not have.`);
      expect((await runCommand(tenant, 'session', { subcommand: 'recap' })).body).toEqual(DEFERRED_EPHEMERAL);
    });
  });
});
