import { env } from 'cloudflare:workers';
import { createDb, feedback, withTenant } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake } from './helpers/admin.ts';
import { discordTenant, editedReply, runCommand, submitModal, type DiscordTenant } from './helpers/discord.ts';
import { TestNode } from './helpers/test-node.ts';

const DEFERRED_EPHEMERAL = { type: 5, data: { flags: 64 } };
const RATINGS = { latency: '4', personality: '5', memory: '3', dm_workflow: '2' };

describe('/feedback, a form stored with the tenant', () => {
  let tenant: DiscordTenant;
  let other: DiscordTenant;
  let node: TestNode;
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  /** Each test plays in its own server, so one server's session does not stand in another's way. */
  const inNewGuild = (): DiscordTenant => ({ ...tenant, guildId: snowflake() });
  const feedbackOf = (t: DiscordTenant, userId: string) =>
    withTenant(db, t.id, (tx) => tx.select().from(feedback).where(eq(feedback.userId, userId)));

  beforeAll(async () => {
    // A dedicated pool: this file's node is the only one its sessions can land on.
    tenant = await discordTenant({ license_tier: 'dedicated', max_concurrent_sessions: 10 });
    other = await discordTenant();
    const created = await admin('POST', '/nodes', { pool: tenant.id });
    node = await TestNode.connect(created.body.token, { capacity: 10 });
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant.id}`);
    await admin('DELETE', `/tenants/${other.id}`);
    node.close();
  });

  it('opens a modal with the four ratings and the comments', async () => {
    const res = await runCommand(inNewGuild(), 'feedback');
    expect(res.body.type).toBe(9);
    expect(res.body.data.custom_id).toBe('feedback');
    const inputs = res.body.data.components.map((row: { type: number; components: unknown[] }) => {
      expect(row.type).toBe(1);
      expect(row.components).toHaveLength(1);
      return row.components[0];
    });
    expect(inputs).toHaveLength(5);
    for (const [i, id] of ['latency', 'personality', 'memory', 'dm_workflow'].entries()) {
      expect(inputs[i]).toMatchObject({ type: 4, custom_id: id, style: 1, min_length: 1, max_length: 1, required: true });
      expect(inputs[i].label).toMatch(/\(1-5\)$/);
    }
    expect(inputs[4]).toMatchObject({ type: 4, custom_id: 'comments', style: 2, required: false, max_length: 1000 });
  });

  it('stores a submit with the running session', async () => {
    const t = inNewGuild();
    const start = await runCommand(t, 'session', { subcommand: 'start', options: [{ name: 'channel', type: 7, value: snowflake() }] });
    expect(start.body).toEqual(DEFERRED_EPHEMERAL);
    const assignment = (await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId)) as { session_id: string };
    await editedReply(start.token);

    const user = snowflake();
    const res = await submitModal(t, 'feedback', { ...RATINGS, comments: '  The innkeeper remembered my name!  ' }, user);
    expect(res.body).toEqual(DEFERRED_EPHEMERAL);
    expect(await editedReply(res.token)).toBe('Thanks — feedback recorded');
    const rows = await feedbackOf(t, user);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenantId: t.id,
      sessionId: assignment.session_id,
      userId: user,
      latency: 4,
      personality: 5,
      memory: 3,
      dmWorkflow: 2,
      comments: 'The innkeeper remembered my name!',
    });
  });

  it('stores a submit with no session when none is running, and no comments when left blank', async () => {
    const t = inNewGuild();
    const user = snowflake();
    const res = await submitModal(t, 'feedback', { ...RATINGS, comments: '' }, user);
    expect(await editedReply(res.token)).toBe('Thanks — feedback recorded');
    expect(await feedbackOf(t, user)).toEqual([expect.objectContaining({ sessionId: null, comments: null, latency: 4 })]);
  });

  it('refuses a rating out of range or not a number, naming the field, and stores nothing', async () => {
    const t = inNewGuild();
    const user = snowflake();
    for (const [field, value, name] of [['latency', '7', 'Latency'], ['memory', 'x', 'Memory'], ['dm_workflow', '', 'DM workflow']] as const) {
      const res = await submitModal(t, 'feedback', { ...RATINGS, [field]: value }, user);
      expect(res.body.type).toBe(4);
      expect(res.body.data.flags).toBe(64);
      expect(res.body.data.content).toBe(`Feedback not recorded: ${name} must be a whole number from 1 to 5.`);
    }
    expect(await feedbackOf(t, user)).toEqual([]);
  });

  it('keeps one tenant\'s feedback from another', async () => {
    const user = snowflake();
    const res = await submitModal(other, 'feedback', RATINGS, user);
    expect(await editedReply(res.token)).toBe('Thanks — feedback recorded');
    expect(await feedbackOf(other, user)).toHaveLength(1);
    // Under the other tenant's scope the row is not there, even with no tenant filter in the query.
    expect(await feedbackOf(tenant, user)).toEqual([]);
  });

  it('answers a modal no command opened', async () => {
    const res = await submitModal(inNewGuild(), 'dice', RATINGS);
    expect(res.body.data.content).toBe('That is not available yet on Glyphoxa Edge.');
  });
});
