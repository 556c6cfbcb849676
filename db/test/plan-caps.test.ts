import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { createCampaign, createInvite, createNpc, deleteCampaign } from '../src/index.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { backends, uniqueId } from './backends.ts';

const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };
const npc = (name: string) => ({ name, voice, gmHelper: false });

describe.each(backends())('the NPC and seat limits on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const t = uniqueId('npcs');

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    await createTenant(db, { id: t });
  });

  afterAll(async () => {
    await deleteTenant(db, t);
    await close();
    await backend.teardown();
  });

  it("counts the tenant's NPCs in live campaigns, and lets no concurrent creation past the limit", async () => {
    const a = await createCampaign(db, t, { campaign: { name: 'A', gameSystem: 'dnd5e' }, npcs: [npc('One')], entities: [] }, { makeCurrent: false });
    const b = await createCampaign(db, t, { campaign: { name: 'B', gameSystem: 'dnd5e' }, npcs: [], entities: [] }, { makeCurrent: false });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => createNpc(db, t, b!.id, npc(`N${i}`), 3)));
    expect(results.filter((r) => r && !('limitReached' in r))).toHaveLength(2);
    expect(results.filter((r) => r && 'limitReached' in r)).toEqual(Array(4).fill({ limitReached: 3 }));
    // A deleted campaign's NPCs count no more; no bound takes any number.
    await deleteCampaign(db, t, a!.id);
    expect(await createNpc(db, t, b!.id, npc('After'), 3)).not.toHaveProperty('limitReached');
    expect(await createNpc(db, t, b!.id, npc('Free'))).not.toHaveProperty('limitReached');
  });

  it('counts members and pending invites as seats, and lets no concurrent invite past the limit', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => createInvite(db, t, { email: `p${i}@example.com` }, 'viewer', null, 2)));
    expect(results.filter((r) => r && !('limitReached' in r))).toHaveLength(2);
    expect(results.filter((r) => r && 'limitReached' in r)).toEqual([{ limitReached: 2 }, { limitReached: 2 }]);
    expect(await createInvite(db, t, { email: 'free@example.com' }, 'viewer', null)).not.toHaveProperty('limitReached');
  });
});
