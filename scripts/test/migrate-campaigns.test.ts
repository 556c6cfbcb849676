import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createDb, createTenant, getTenant, listCampaigns, listNpcs, listEntities, listRelationships } from '@glyphoxa/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run migrate-campaigns`: a self-hosted glyphoxa.yaml (the format of the self-hosted
 * product's configs/example.yaml) into a tenant, run as an operator runs it.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const databaseUrl = process.env.DATABASE_URL!;
const { db, close } = createDb(databaseUrl, { max: 1 });
const dir = mkdtempSync(join(tmpdir(), 'gx-migrate-'));
const tenantId = `mig-${crypto.randomUUID().slice(0, 8)}`;

const CONFIG = `
server:
  listen_addr: ":8080"
providers:
  llm:
    name: openai
    api_key: sk-never-imported
campaign:
  name: Curse of the Ashen Crown
  system: dnd5e
  entity_files: [world/entities.yaml]
npcs:
  - name: Greymantle the Sage
    personality: An ancient wizard.
    voice:
      provider: elevenlabs
      voice_id: pNInz6obpgDQGcFmaJgB
      pitch_shift: -2.0
      speed_factor: 0.85
    engine: cascaded
    budget_tier: standard
    knowledge_scope: [ancient history]
    tools: [lookup_spell]
    relationships:
      - target_name: The Ashen Tower
        type: located_at
      - target_id: guild-1
        type: member_of
        bidirectional: true
  - name: Zara the Merchant
    voice: { provider: elevenlabs, voice_id: EXAVITQu4vr4xnSDxMaL, speed_factor: 0 }
    budget_tier: fast
memory:
  postgres_dsn: postgres://glyphoxa:secret@localhost/glyphoxa
`;
const ENTITIES = `
- name: The Ashen Tower
  type: location
  description: Where Greymantle studies.
- id: guild-1
  name: The Grey Circle
  type: faction
`;

function migrate(...args: string[]) {
  return promisify(execFile)('sh', ['scripts/with-node.sh', 'scripts/migrate-campaigns.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(async () => {
  await createTenant(db, { id: tenantId, licenseTier: 'shared' });
  mkdirSync(join(dir, 'world'));
  write('world/entities.yaml', ENTITIES);
});

afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run migrate-campaigns', () => {
  it('imports the campaign, NPCs, entity files and relationships, and makes it current', async () => {
    const run = await migrate('--config', write('glyphoxa.yaml', CONFIG), '--tenant-id', tenantId);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Imported "Curse of the Ashen Crown"`);
    expect(run.stdout).toContain('2 NPCs, 3 entities, 2 relationships');
    expect(run.stdout).toContain('note: npcs (Greymantle the Sage): tools not imported');

    const [campaign] = await listCampaigns(db, tenantId, { limit: 10 });
    expect(campaign).toMatchObject({ name: 'Curse of the Ashen Crown', gameSystem: 'dnd5e' });
    expect((await getTenant(db, tenantId))!.campaignId).toBe(campaign!.id);
    const npcs = (await listNpcs(db, tenantId, campaign!.id))!;
    expect(npcs.map((n) => [n.name, n.voice, n.budgetTier, n.engine])).toEqual([
      ['Greymantle the Sage', { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB', pitch: -2, speed: 0.85 }, 'standard', 'cascaded'],
      ['Zara the Merchant', { provider: 'elevenlabs', voice_id: 'EXAVITQu4vr4xnSDxMaL', pitch: 0, speed: 1 }, 'fast', null],
    ]);
    const { entities } = await listEntities(db, tenantId, campaign!.id, { offset: 0, limit: 10 });
    expect(entities.map((e) => [e.name, e.type]).sort()).toEqual([['Greymantle the Sage', 'npc'], ['The Ashen Tower', 'location'], ['The Grey Circle', 'faction']]);
    const names = new Map(entities.map((e) => [e.id, e.name]));
    const edges = await listRelationships(db, tenantId, campaign!.id, { offset: 0, limit: 10 });
    expect(edges.map((r) => [names.get(r.sourceId), r.type, names.get(r.targetId), r.bidirectional, r.source, r.dmConfirmed]).sort()).toEqual([
      ['Greymantle the Sage', 'located_at', 'The Ashen Tower', false, 'import', true],
      ['Greymantle the Sage', 'member_of', 'The Grey Circle', true, 'import', true],
    ]);

    const again = await migrate('--config', join(dir, 'glyphoxa.yaml'), '--tenant-id', tenantId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a campaign named "Curse of the Ashen Crown": nothing was imported');
  });

  it('refuses a key the self-hosted format does not have, with its path, a dangling relationship and a missing entity file, writing nothing', async () => {
    const bad = CONFIG.replace('budget_tier: standard', 'budget_tier: standard\n    mood: grim').replace('target_id: guild-1', 'target_id: nobody').replace('Curse of the Ashen Crown', 'Broken').replace('[world/entities.yaml]', '[world/entities.yaml, world/missing.yaml]');
    const run = await migrate('--config', write('bad.yaml', bad), '--tenant-id', tenantId);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/npcs #1 \(Greymantle the Sage\): mood/);
    expect((await listCampaigns(db, tenantId, { limit: 10 })).map((c) => c.name)).not.toContain('Broken');

    const dangling = CONFIG.replace('target_id: guild-1', 'target_id: nobody').replace('Curse of the Ashen Crown', 'Dangling').replace('[world/entities.yaml]', '[world/entities.yaml, world/missing.yaml]');
    const second = await migrate('--config', write('dangling.yaml', dangling), '--tenant-id', tenantId);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('campaign.entity_files: world/missing.yaml cannot be read');
    expect(second.stderr).toContain('npcs (Greymantle the Sage): relationships #2: no entity with id nobody in the entity files');
    expect((await listCampaigns(db, tenantId, { limit: 10 })).map((c) => c.name)).not.toContain('Dangling');
  });

  it('says what it needs: a tenant that exists, both flags, --help', async () => {
    const missing = await migrate('--config', join(dir, 'glyphoxa.yaml'), '--tenant-id', 'no-such-tenant');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No tenant no-such-tenant');
    const noFlags = await migrate();
    expect(noFlags.code).toBe(2);
    expect(noFlags.stderr).toContain('--config and --tenant-id are required');
    const help = await migrate('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run migrate-campaigns -- --config FILE --tenant-id ID');
  });
});
