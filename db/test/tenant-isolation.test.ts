import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from '../src/repos/tenants.ts';
import { asOperator, InvalidTenantIdError, withTenant } from '../src/tenant-isolation/transactions.ts';
import {
  auditLog,
  campaigns,
  chunks,
  EMBEDDING_DIMENSIONS,
  entities,
  loreDocuments,
  npcs,
  recaps,
  relationships,
  sessionEntries,
  sessions,
  mcpServers,
  tenantProviders,
  tenants,
  usageRecords,
  voiceSamples,
} from '../src/schema/index.ts';
import { backends, databaseError, uniqueId } from './backends.ts';

/** The campaign-data tables, each carrying `tenant_id` under the same two policies. */
const CAMPAIGN_TABLES = [campaigns, npcs, entities, sessionEntries, recaps, tenantProviders, mcpServers, voiceSamples, relationships, loreDocuments, chunks] as const;
const tenantsOf = (rows: { tenantId: string }[]) => [...new Set(rows.map((r) => r.tenantId))];
const unitVector = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));

describe.each(backends())('tenant isolation on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const a = uniqueId('alpha');
  const b = uniqueId('beta');

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    for (const id of [a, b]) {
      await createTenant(db, { id });
      await withTenant(db, id, async (tx) => {
        const [session] = await tx.insert(sessions).values({ tenantId: id, guildId: 'g1', channelId: 'c1', startedBy: 'u1' }).returning();
        await tx.insert(usageRecords).values({ tenantId: id, period: '2026-11', sessionHours: 1.5 });
        await tx.insert(auditLog).values({ tenantId: id, actor: 'test', action: 'seed' });
        // Campaign data: the same names in both tenants, so nothing may collide across them.
        const [campaign] = await tx.insert(campaigns).values({ tenantId: id, name: 'Shared Name' }).returning();
        await tx.insert(npcs).values({ tenantId: id, campaignId: campaign!.id, name: 'Grimjaw', voice: { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 } });
        const [ironhold, grimjaw] = await tx
          .insert(entities)
          .values([
            { tenantId: id, campaignId: campaign!.id, name: 'Ironhold', type: 'location' },
            { tenantId: id, campaignId: campaign!.id, name: 'Grimjaw', type: 'npc' },
          ])
          .returning();
        await tx.insert(relationships).values({ tenantId: id, campaignId: campaign!.id, sourceId: grimjaw!.id, targetId: ironhold!.id, type: 'lives_in' });
        const [lore] = await tx.insert(loreDocuments).values({ tenantId: id, campaignId: campaign!.id, title: 'Ironhold', body: 'A dwarven hold.' }).returning();
        await tx.insert(chunks).values({ tenantId: id, campaignId: campaign!.id, source: 'lore', loreDocumentId: lore!.id, position: 0, content: 'A dwarven hold.', embedding: unitVector, model: 'm' });
        await tx.insert(sessionEntries).values({ tenantId: id, sessionId: session!.id, campaignId: campaign!.id, speakerId: 's1', speakerName: 'Grimjaw', text: 'Hello', spokenAt: new Date() });
        await tx.insert(recaps).values({ tenantId: id, sessionId: session!.id, text: 'They met.', source: 'extractive' });
        await tx.insert(tenantProviders).values({ tenantId: id, role: 'llm', kind: 'openai', baseUrl: 'http://llm.test/v1', model: 'gpt' });
        await tx.insert(mcpServers).values({ tenantId: id, name: 'lorekeeper', url: 'https://lore.example.com/mcp' });
        await tx.insert(voiceSamples).values({ tenantId: id, name: 'Grimjaw', fileKey: `voice-samples/${id}/s1.wav`, fileSize: 44, durationMs: 1000, format: 'wav', sampleRate: 16000, channels: 1 });
      });
    }
  });

  afterAll(async () => {
    await deleteTenant(db, a);
    await deleteTenant(db, b);
    await close();
    await backend.teardown();
  });

  it('reads only its own rows, even with no WHERE clause', async () => {
    await withTenant(db, a, async (tx) => {
      expect((await tx.select().from(tenants)).map((t) => t.id)).toEqual([a]);
      expect((await tx.select().from(sessions)).every((s) => s.tenantId === a)).toBe(true);
      expect((await tx.select().from(usageRecords)).map((u) => u.tenantId)).toEqual([a]);
      expect((await tx.select().from(auditLog)).every((e) => e.tenantId === a)).toBe(true);
      expect(await tx.select().from(sessions).where(eq(sessions.tenantId, b))).toEqual([]);
      for (const table of CAMPAIGN_TABLES) expect(tenantsOf(await tx.select().from(table))).toEqual([a]);
    });
  });

  it("cannot attach its rows to B's campaign, not even through a foreign key", async () => {
    const [bCampaign] = await withTenant(db, b, (tx) => tx.select().from(campaigns));
    // Under A's scope: B's tenant id is refused by the policy, A's by the tenant-carrying foreign key.
    expect(
      await databaseError(withTenant(db, a, (tx) => tx.insert(entities).values({ tenantId: b, campaignId: bCampaign!.id, name: 'X', type: 'lore' }))),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(withTenant(db, a, (tx) => tx.insert(entities).values({ tenantId: a, campaignId: bCampaign!.id, name: 'X', type: 'lore' }))),
    ).toMatch(/foreign key/);
  });

  it("cannot change B's rows", async () => {
    await withTenant(db, a, async (tx) => {
      const changed = await tx.update(usageRecords).set({ sessionHours: 999 }).returning();
      expect(changed.map((u) => u.tenantId)).toEqual([a]);
      expect(await tx.update(tenants).set({ tier: 'guild' }).where(eq(tenants.id, b)).returning()).toEqual([]);
    });
    const [bUsage] = await withTenant(db, b, (tx) => tx.select().from(usageRecords));
    expect(bUsage!.sessionHours).toBe(1.5);
    expect((await getTenant(db, b))!.tier).toBe('apprentice');
  });

  it("cannot delete B's rows", async () => {
    await withTenant(db, a, async (tx) => {
      await tx.delete(auditLog);
      await tx.delete(sessions).where(eq(sessions.tenantId, b));
      for (const table of CAMPAIGN_TABLES) await tx.delete(table).where(eq(table.tenantId, b));
    });
    await withTenant(db, b, async (tx) => {
      expect(await tx.select().from(auditLog)).toHaveLength(1);
      expect(await tx.select().from(sessions)).toHaveLength(1);
      for (const table of CAMPAIGN_TABLES) expect(tenantsOf(await tx.select().from(table))).toEqual([b]);
    });
  });

  it('cannot write rows that belong to B', async () => {
    expect(
      await databaseError(
        withTenant(db, a, (tx) => tx.insert(sessions).values({ tenantId: b, guildId: 'g9', channelId: 'c', startedBy: 'u' })),
      ),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(withTenant(db, a, (tx) => tx.update(sessions).set({ tenantId: b }).where(eq(sessions.tenantId, a)))),
    ).toMatch(/row-level security/);
    expect(
      await databaseError(withTenant(db, a, (tx) => tx.insert(campaigns).values({ tenantId: b, name: 'Stolen' }))),
    ).toMatch(/row-level security/);
    expect(await databaseError(withTenant(db, a, (tx) => tx.update(tenantProviders).set({ tenantId: b })))).toMatch(/row-level security/);
  });

  it('sees nothing without a tenant scope under the application role', async () => {
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'app_user', true)`);
      return tx.select().from(sessions);
    });
    expect(rows).toEqual([]);
  });

  it('the application role is neither superuser nor owner, and tables are forced', async () => {
    const [role] = await withTenant(db, a, (tx) =>
      tx.execute<{ current_user: string; rolsuper: boolean }>(
        sql`select current_user, r.rolsuper from pg_roles r where r.rolname = current_user`,
      ),
    );
    expect(role).toEqual({ current_user: 'app_user', rolsuper: false });
    const unforced = await db.execute(
      sql`select relname from pg_class where relname in ('tenants','sessions','usage_records','audit_log','campaigns','npcs','entities','session_entries','recaps','tenant_providers','mcp_servers','relationships','lore_documents','chunks') and not (relrowsecurity and relforcerowsecurity)`,
    );
    expect([...unforced]).toEqual([]);
  });

  it('the repository functions stay within the tenant', async () => {
    expect(await updateTenant(db, a, { dmRoleId: 'r1' })).toMatchObject({ id: a, dmRoleId: 'r1' });
    expect(await getTenant(db, a)).toMatchObject({ id: a });
    expect(await createTenant(db, { id: a })).toBeNull();
  });

  it('the operator sees every tenant', async () => {
    const ids = (await listTenants(db, { limit: 1000 })).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([a, b]));
    const count = await asOperator(db, (tx) => tx.select().from(sessions).where(eq(sessions.tenantId, b)));
    expect(count).toHaveLength(1);
  });

  it("a scope's first statement, sent with its settings, already runs inside it (nested ones too)", async () => {
    const scope = sql`select current_setting('app.tenant_id', true) as t, current_user as u`;
    expect([...(await withTenant(db, a, (tx) => tx.execute(scope)))]).toEqual([{ t: a, u: 'app_user' }]);
    expect([...(await asOperator(db, (tx) => tx.execute(scope)))]).toEqual([{ t: '', u: 'app_operator' }]);
    const nested = await asOperator(db, (tx) => withTenant(tx, b, (inner) => Promise.all([inner.execute(scope), inner.select().from(sessions)])));
    expect([...nested[0]]).toEqual([{ t: b, u: 'app_user' }]);
    expect(tenantsOf(nested[1])).toEqual([b]);
  });

  it('refuses a malformed tenant id before touching the database', async () => {
    await expect(withTenant(db, "x' or '1'='1", async () => 1)).rejects.toThrow(InvalidTenantIdError);
  });
});
