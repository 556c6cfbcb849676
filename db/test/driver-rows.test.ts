import { getTableColumns, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { rowFromDriver } from '../src/driver-rows.ts';
import { createCampaign } from '../src/repos/campaigns.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { entities } from '../src/schema/index.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

describe.each(backends())('rows of hand-written SQL mapped as drizzle maps them, on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const tenant = uniqueId('driver-rows');

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url(), { max: 1 }));
    await createTenant(db, { id: tenant });
  });
  afterAll(async () => {
    await deleteTenant(db, tenant).catch(() => {});
    await close?.();
    await backend.teardown();
  });

  it("gives a raw row the fields and types of drizzle's select: dates, arrays, JSON, a custom type, under a prefix, absent as null", async () => {
    const campaign = (await createCampaign(db, tenant, { campaign: { name: 'Rows' }, npcs: [], entities: [] }, { makeCurrent: false }))!;
    const [byDrizzle, [raw], [prefixed]] = await withTenant(db, tenant, async (tx) => {
      await tx.insert(entities).values({ tenantId: tenant, campaignId: campaign.id, name: 'Tresendar Manor', type: 'location', tags: ['ruin', 'redbrands'], properties: { floors: 2 } });
      const columns = Object.values(getTableColumns(entities)).map((column) => `"${column.name}" as "e_${column.name}"`);
      return Promise.all([
        tx.select().from(entities),
        tx.execute<Record<string, unknown>>(sql`select * from entities`),
        tx.execute<Record<string, unknown>>(sql.raw(`select ${columns.join(', ')} from entities`)),
      ]);
    });
    const expected = byDrizzle[0]!;
    // The driver leaves timestamps as text for drizzle's columns to read.
    expect(typeof raw!.created_at).toBe('string');
    expect(rowFromDriver(getTableColumns(entities), raw!)).toEqual(expected);
    expect(rowFromDriver(getTableColumns(entities), prefixed!, 'e_')).toEqual(expected);
    expect(rowFromDriver(getTableColumns(entities), prefixed!, 'e_').createdAt).toBeInstanceOf(Date);
    const { name, tags } = getTableColumns(entities);
    expect(rowFromDriver({ name, tags, missing: entities.description }, { name: 'Tresendar Manor', tags: '{ruin}' })).toEqual({ name: 'Tresendar Manor', tags: ['ruin'], missing: null });
  });
});
