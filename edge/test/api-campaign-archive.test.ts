import { env, exports } from 'cloudflare:workers';
import { addLoreDocument, addRelationship, appendSessionEntries, createCampaign, createDb, EMBEDDING_DIMENSIONS, findEntityByName, listCampaigns, nearestChunks, rememberLoreDocument, rememberSession } from '@glyphoxa/db';
import fc from 'fast-check';
import { createTarPacker, packTar, unpackTar, type TarEntry } from 'modern-tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.ts';
import { endedSession, memberOf, signIn, type Person } from './helpers/web-api.ts';

/**
 * A campaign to `campaign-export.tar.gz` and back (docs/CAMPAIGN_ARCHIVE.md): what the
 * archive holds, export -> import -> export giving the same content in another tenant, and
 * every refusal of a hostile archive with nothing written.
 */

let owner: Person;
let other: Person;
let campaignId: string;

const base = (path: string) => `http://edge.test/api/v1${path}`;
const download = (token: string, tenant: string, campaign: string) => exports.default.fetch(base(`/tenants/${tenant}/campaigns/${campaign}/export`), { headers: { authorization: `Bearer ${token}` } });
async function upload(token: string, tenant: string, archive: Uint8Array | ArrayBuffer, type = 'application/gzip') {
  const res = await exports.default.fetch(base(`/tenants/${tenant}/campaigns/import`), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: archive });
  return { status: res.status, body: (await res.json()) as any };
}
async function filesOf(res: Response): Promise<Map<string, string>> {
  const entries = await unpackTar(res.body!.pipeThrough(new DecompressionStream('gzip')));
  return new Map(entries.filter((e) => e.header.type === 'file').map((e) => [e.header.name, new TextDecoder().decode(e.data)]));
}
const gzip = async (tar: Uint8Array) => new Uint8Array(await new Response(new Blob([tar]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
const archiveOf = async (files: Record<string, string>, extra: TarEntry[] = []) =>
  gzip(await packTar([...Object.entries(files).map(([name, body]) => ({ header: { name, size: new TextEncoder().encode(body).byteLength }, body })), ...extra]));

const metadata = (name: string, version = 1) => JSON.stringify({ version, campaign_id: 'c', tenant_id: 't', license_tier: 'shared', exported_at: '2026-12-01T10:00:00.000Z', campaign: { name } });
const npcYaml = (name: string) => `name: ${name}\nvoice:\n  provider: espeak\n  voice_id: en\n`;

async function campaignCount(tenant: string): Promise<number> {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    return (await listCampaigns(db, tenant, { limit: 100 })).length;
  } finally {
    await close();
  }
}

beforeAll(async () => {
  owner = await signIn();
  other = await signIn();
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    const campaign = await createCampaign(
      db,
      owner.tenant,
      {
        campaign: { name: 'The Ironhold Commission', gameSystem: 'D&D 5e', language: 'en', description: 'Dwarves, debts and a missing heir.' },
        npcs: [
          { name: 'Grimjaw', aliases: ['the smith'], personality: 'Gruff.', voice: { provider: 'espeak', voice_id: 'en-gb', pitch: -3, speed: 0.9 }, budgetTier: 'fast', knowledgeScope: ['ironhold'], secretKnowledge: 'He forged the false seal.', behaviorRules: ['Never lies to a dwarf'], gmHelper: false, mutedByDefault: false },
          { name: 'Elara', voice: { provider: 'espeak', voice_id: 'en-us', pitch: 2, speed: 1.1 }, budgetTier: 'standard', gmHelper: false, mutedByDefault: true },
        ],
        entities: [
          { name: 'Ironhold', type: 'location', description: 'A mountain hold.', tags: ['city'], properties: { population: 4000 } },
          { name: 'Grimjaw', type: 'npc', description: 'The smith.' },
          { name: 'False Seal', type: 'item' },
        ],
      },
      { makeCurrent: false },
    );
    campaignId = campaign!.id;
    const session = await endedSession(owner.tenant, campaignId, 120);
    await appendSessionEntries(db, owner.tenant, [
      { sessionId: session, campaignId, speakerId: '100000000000000001', speakerName: 'Tomas', npc: false, text: 'Who made this seal?\nTell me.', spokenAt: new Date('2026-12-01T10:00:00.000Z') },
      { sessionId: session, campaignId, speakerId: 'npc:grimjaw', speakerName: 'Grimjaw', npc: true, text: 'Not I. Ask in Ironhold \\ the hall.', spokenAt: new Date('2026-12-01T10:00:05.000Z') },
    ]);
    const id = async (name: string) => (await findEntityByName(db, owner.tenant, campaignId, name))!.id;
    await addRelationship(db, owner.tenant, campaignId, { sourceId: await id('Grimjaw'), targetId: await id('Ironhold'), type: 'lives_in', bidirectional: false });
    await addRelationship(db, owner.tenant, campaignId, { sourceId: await id('Grimjaw'), targetId: await id('False Seal'), type: 'forged', source: 'transcript', confidence: 0.6, sessionId: session });
    await addLoreDocument(db, owner.tenant, campaignId, { title: 'House rules', kind: 'rules', body: '# Rests\n\nA short rest is ten minutes.\n' });
    await addLoreDocument(db, owner.tenant, campaignId, { title: 'The Hold', kind: 'lore', body: 'Carved from the mountain.' });
  } finally {
    await close();
  }
});

describe('campaign export', () => {
  it('streams campaign-export.tar.gz with the metadata, NPC files, knowledge graph, lore and sessions, no ids inside', async () => {
    const res = await download(owner.token, owner.tenant, campaignId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="campaign-export.tar.gz"');
    const files = await filesOf(res);
    expect([...files.keys()].sort()).toEqual(['knowledge-graph.json', 'lore/house-rules.md', 'lore/the-hold.md', 'metadata.json', 'npcs/elara.yaml', 'npcs/grimjaw.yaml', 'sessions/session-001.txt']);
    const meta = JSON.parse(files.get('metadata.json')!);
    expect(meta).toEqual({ version: 1, campaign_id: campaignId, tenant_id: owner.tenant, license_tier: 'shared', exported_at: expect.any(String), campaign: { name: 'The Ironhold Commission', system: 'D&D 5e', language: 'en', description: 'Dwarves, debts and a missing heir.' } });
    expect(files.get('npcs/grimjaw.yaml')).toContain('secret_knowledge: He forged the false seal.');
    const graph = JSON.parse(files.get('knowledge-graph.json')!);
    expect(graph.relationships).toEqual([
      { from: 'Grimjaw', to: 'False Seal', type: 'forged', bidirectional: false, confidence: expect.closeTo(0.6, 5), source: 'transcript', dm_confirmed: false, session: 'session-001' },
      { from: 'Grimjaw', to: 'Ironhold', type: 'lives_in', bidirectional: false, confidence: 1, source: 'dm', dm_confirmed: true, session: null },
    ]);
    expect(files.get('lore/house-rules.md')).toBe('---\ntitle: House rules\nkind: rules\n---\n# Rests\n\nA short rest is ten minutes.\n');
    expect(files.get('sessions/session-001.txt')).toMatch(/^# started_at: .+\n# ended_at: .+\n\[2026-12-01T10:00:00.000Z\] Tomas <100000000000000001>: Who made this seal\?\\nTell me.\n\[2026-12-01T10:00:05.000Z\] Grimjaw <npc:grimjaw> \(npc\): Not I. Ask in Ironhold \\\\ the hall.\n$/);
    // Ids are this database's: only the metadata names the campaign and tenant it came from.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    expect([...files].filter(([name, text]) => name !== 'metadata.json' && uuid.test(text)).map(([name]) => name)).toEqual([]);
  });

  it('lets every member export and nobody else see the campaign', async () => {
    expect((await download((await memberOf(owner.tenant, 'viewer')).token, owner.tenant, campaignId)).status).toBe(200);
    // Another tenant's campaign does not exist for them, asked for under either tenant.
    const outsider = await download(other.token, owner.tenant, campaignId);
    expect(outsider.status).toBe(404);
    expect(((await outsider.json()) as any).error.code).toBe('campaign_not_found');
    const elsewhere = await download(other.token, other.tenant, campaignId);
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as any).error.code).toBe('campaign_not_found');
  });
});

describe('campaign import', () => {
  it('export -> import into another tenant -> export gives the same content, with a report file by file', async () => {
    const first = await filesOf(await download(owner.token, owner.tenant, campaignId));
    const archive = await archiveOf(Object.fromEntries(first));
    const imported = await upload(other.token, other.tenant, archive);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.campaign).toMatchObject({ name: 'The Ironhold Commission', tenant_id: other.tenant });
    expect(imported.body.campaign.id).not.toBe(campaignId);
    expect(imported.body.report.files).toEqual(
      expect.arrayContaining([
        { file: 'metadata.json', holds: 'campaign "The Ironhold Commission"' },
        { file: 'npcs/grimjaw.yaml', holds: 'NPC "Grimjaw"' },
        { file: 'knowledge-graph.json', holds: '3 entities, 2 relationships' },
        { file: 'lore/house-rules.md', holds: 'rules "House rules"' },
        { file: 'sessions/session-001.txt', holds: '2 transcript lines' },
      ]),
    );
    const second = await filesOf(await download(other.token, other.tenant, imported.body.campaign.id));
    const withoutMeta = (files: Map<string, string>) => [...files].filter(([name]) => name !== 'metadata.json');
    expect(withoutMeta(second)).toEqual(withoutMeta(first));
    const { campaign_id, tenant_id, exported_at, ...rest } = JSON.parse(second.get('metadata.json')!);
    expect({ campaign_id, tenant_id }).toEqual({ campaign_id: imported.body.campaign.id, tenant_id: other.tenant });
    expect(rest).toEqual((({ campaign_id: _, tenant_id: __, exported_at: ___, ...r }) => r)(JSON.parse(first.get('metadata.json')!)));

    const again = await upload(other.token, other.tenant, archive);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('campaign_exists');
  });

  const REFUSALS: Array<[string, () => Promise<Uint8Array>, RegExp]> = [
    ['a path leaving the archive', () => archiveOf({ 'metadata.json': metadata('Traversal'), '../escape.md': 'x' }), /\.\.\/escape\.md: a path leaving the archive/],
    ['an absolute path', () => archiveOf({ 'metadata.json': metadata('Absolute'), '/etc/passwd': 'x' }), /\/etc\/passwd: a path leaving the archive/],
    ['a symlink', () => archiveOf({ 'metadata.json': metadata('Symlink') }, [{ header: { name: 'lore/link.md', size: 0, type: 'symlink', linkname: '/etc/passwd' } }]), /lore\/link\.md: links are refused/],
    ['a hard link', () => archiveOf({ 'metadata.json': metadata('Hardlink') }, [{ header: { name: 'lore/hard.md', size: 0, type: 'link', linkname: 'metadata.json' } }]), /lore\/hard\.md: links are refused/],
    ['a file the layout has no place for', () => archiveOf({ 'metadata.json': metadata('Unknown'), 'run.sh': 'rm -rf /' }), /run\.sh: is not a file of a campaign archive/],
    ['an unknown version', () => archiveOf({ 'metadata.json': metadata('Future', 2) }), /metadata\.json: version 2 is not one this server reads \(it reads 1\)/],
    ['no metadata', () => archiveOf({ 'npcs/a.yaml': npcYaml('A') }), /metadata\.json: is missing/],
    ['duplicate NPC names', () => archiveOf({ 'metadata.json': metadata('Twins'), 'npcs/a.yaml': npcYaml('Ann'), 'npcs/b.yaml': npcYaml('ann') }), /npcs\/b\.yaml \(ann\): the name is already taken by npcs #1/],
    ['an NPC field it does not know', () => archiveOf({ 'metadata.json': metadata('Strict'), 'npcs/a.yaml': `${npcYaml('Ann')}mood: grim\n` }), /npcs\/a\.yaml \(Ann\): mood/],
    ['an NPC granting a tool server the team lacks', () => archiveOf({ 'metadata.json': metadata('Ghost tools'), 'npcs/a.yaml': `${npcYaml('Ann')}tools: [roll_dice, ghost.search]\n` }), /npcs\/a\.yaml: tools\.1: the team has no tool server "ghost"/],
    ['a relationship to no entity', () => archiveOf({ 'metadata.json': metadata('Dangling'), 'knowledge-graph.json': JSON.stringify({ entities: [{ name: 'A', type: 'item' }], relationships: [{ from: 'A', to: 'B', type: 'owns', bidirectional: false, confidence: 1, source: 'dm', dm_confirmed: true, session: null }] }) }), /knowledge-graph\.json: relationships #1: no entity named "B"/],
    ['a lore file without its front matter', () => archiveOf({ 'metadata.json': metadata('Bare lore'), 'lore/x.md': '# Just text' }), /lore\/x\.md: must begin with a front matter/],
    ['a broken transcript line', () => archiveOf({ 'metadata.json': metadata('Bad session'), 'sessions/session-001.txt': '# started_at: 2026-12-01T10:00:00.000Z\n# ended_at: 2026-12-01T11:00:00.000Z\nnot a line\n' }), /sessions\/session-001\.txt: line 3 is not/],
    ['what is not an archive', async () => new TextEncoder().encode('just some text, not a tar'), /is not a tar\.gz archive|is not a file of a campaign archive|metadata\.json: is missing/],
  ];
  for (const [what, make, message] of REFUSALS) {
    it(`refuses ${what}, naming the file, and writes nothing`, async () => {
      const before = await campaignCount(other.tenant);
      const res = await upload(other.token, other.tenant, await make());
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_archive');
      expect(res.body.error.message).toMatch(message);
      expect(await campaignCount(other.tenant)).toBe(before);
    });
  }

  it('refuses a decompression bomb past the unpacked limit, and an upload past the size limit', async () => {
    // One 60 MB file of zeros: ~60 KB gzipped.
    const { readable, controller } = createTarPacker();
    const size = 60 * 1024 * 1024;
    const filling = (async () => {
      const writer = controller.add({ name: 'lore/bomb.md', size }).getWriter();
      for (let i = 0; i < 60; i++) await writer.write(new Uint8Array(1024 * 1024));
      await writer.close();
      controller.finalize();
    })();
    const bomb = new Uint8Array(await new Response(readable.pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    await filling;
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const res = await upload(other.token, other.tenant, bomb);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/unpacks to more than 52428800 bytes/);

    const tooBig = await upload(other.token, other.tenant, new Uint8Array(10 * 1024 * 1024 + 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('body_too_large');
  });

  it('takes archives only from those who manage campaigns, as an archive', async () => {
    const archive = await archiveOf({ 'metadata.json': metadata('Viewer made') });
    const viewer = await upload((await memberOf(other.tenant, 'viewer')).token, other.tenant, archive);
    expect(viewer.status).toBe(403);
    expect((await upload(owner.token, other.tenant, archive)).status).toBe(404);
    const json = await upload(other.token, other.tenant, archive, 'application/json');
    expect(json.status).toBe(415);
  });

  it('answers any archive fast-check makes up with 201, 400 or 409, never a 500', async () => {
    const name = fc.oneof(
      fc.constantFrom('metadata.json', 'knowledge-graph.json', 'npcs/a.yaml', 'npcs/b.yaml', 'lore/a.md', 'sessions/session-001.txt', 'sessions/session-002.txt', '../x', 'npcs/../../x', './metadata.json', 'npcs/', 'x\\y'),
      fc.string({ minLength: 1, maxLength: 30 }),
    );
    const body = fc.oneof(fc.constant(metadata('Fuzzed')), fc.constant(npcYaml('Ann')), fc.json(), fc.string({ maxLength: 200 }), fc.constant('---\ntitle: T\nkind: lore\n---\nbody'));
    const entry = fc.record({ name, body, type: fc.constantFrom('file', 'file', 'file', 'directory', 'symlink', 'link', 'fifo') });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 6 }), async (entries) => {
        const tar = await packTar(entries.map((e) => (e.type === 'file' ? { header: { name: e.name, size: new TextEncoder().encode(e.body).byteLength }, body: e.body } : { header: { name: e.name, size: 0, type: e.type as 'directory', linkname: 'metadata.json' } })));
        const res = await upload(other.token, other.tenant, await gzip(tar));
        expect([201, 400, 409], JSON.stringify(res.body)).toContain(res.status);
        if (res.status !== 201) expect(res.body.error.message).toEqual(expect.any(String));
      }),
      { numRuns: 30 },
    );
  });
});

describe('semantic memory in campaign archives', () => {
  /** A deterministic embeddings model: each word lifts one of the 256 dimensions. */
  const embedder = {
    model: 'archive-test-embeddings',
    embed: async (texts: readonly string[]) =>
      texts.map((text) => {
        const vector = Array.from({ length: EMBEDDING_DIMENSIONS }, () => 0);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) vector[[...word].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % EMBEDDING_DIMENSIONS, 7)]! += 1;
        return vector.map((x) => x / 4);
      }),
  };
  const chunkFiles = (files: Map<string, string>) => [...files.keys()].filter((name) => name.startsWith('chunks/')).sort();

  /** A campaign with a lore document and a past session, both remembered. */
  async function rememberedCampaign(tenant: string, name: string): Promise<string> {
    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const campaign = (await createCampaign(db, tenant, { campaign: { name }, npcs: [], entities: [{ name: 'Forge', type: 'location' }] }, { makeCurrent: false }))!;
      const doc = await addLoreDocument(db, tenant, campaign.id, { title: 'The Forge of Spells', kind: 'lore', body: 'Its green flame enchants what is forged in it.\n\nNone has lit it in five centuries.' });
      const session = await endedSession(tenant, campaign.id, 30);
      await appendSessionEntries(db, tenant, [{ sessionId: session, campaignId: campaign.id, speakerId: 'u1', speakerName: 'Vex', npc: false, text: 'We saw the green flame below.', spokenAt: new Date('2026-12-01T10:00:00.000Z') }]);
      expect(await rememberLoreDocument(db, tenant, doc!.id, embedder)).toBe(true);
      expect(await rememberSession(db, tenant, session, embedder)).toBe(true);
      return campaign.id;
    } finally {
      await close();
    }
  }
  async function memoryOf(tenant: string, campaign: string) {
    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      return await nearestChunks(db, tenant, campaign, { vector: (await embedder.embed(['green flame']))[0]!, model: embedder.model }, 10);
    } finally {
      await close();
    }
  }

  it("carries a dedicated tenant's memory: export -> import into another dedicated tenant -> export gives the same passages, searchable there", async () => {
    const [from, to] = [await signIn(), await signIn()];
    for (const person of [from, to]) expect((await admin('PUT', `/tenants/${person.tenant}`, { license_tier: 'dedicated' })).status).toBe(200);
    const campaign = await rememberedCampaign(from.tenant, 'Remembered');
    const first = await filesOf(await download(from.token, from.tenant, campaign));
    expect(chunkFiles(first)).toEqual(['chunks/lore-the-forge-of-spells.jsonl', 'chunks/session-001.jsonl']);
    const lines = first.get('chunks/session-001.jsonl')!.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([{ position: 0, content: 'Vex: We saw the green flame below.', model: embedder.model, embedding: expect.any(Array) }]);
    expect(lines[0].embedding).toHaveLength(EMBEDDING_DIMENSIONS);

    const imported = await upload(to.token, to.tenant, await archiveOf(Object.fromEntries(first)));
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.report.files).toEqual(expect.arrayContaining([{ file: 'chunks/session-001.jsonl', holds: '1 memory passages' }]));
    const second = await filesOf(await download(to.token, to.tenant, imported.body.campaign.id));
    expect(chunkFiles(second)).toEqual(chunkFiles(first));
    for (const file of chunkFiles(first)) expect(second.get(file)).toBe(first.get(file));
    const found = await memoryOf(to.tenant, imported.body.campaign.id);
    expect(found.map((hit) => hit.source).sort()).toEqual(['lore', 'transcript']);
  });

  it('keeps memory out of a shared tenant: its export carries none, its import takes none', async () => {
    const [dedicated, shared] = [await signIn(), await signIn()];
    expect((await admin('PUT', `/tenants/${dedicated.tenant}`, { license_tier: 'dedicated' })).status).toBe(200);
    const mine = await rememberedCampaign(shared.tenant, 'Shared memory');
    expect(chunkFiles(await filesOf(await download(shared.token, shared.tenant, mine)))).toEqual([]);
    const theirs = await rememberedCampaign(dedicated.tenant, 'Dedicated memory');
    const archive = await archiveOf(Object.fromEntries(await filesOf(await download(dedicated.token, dedicated.tenant, theirs))));
    const imported = await upload(shared.token, shared.tenant, archive);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(await memoryOf(shared.tenant, imported.body.campaign.id)).toEqual([]);
  });

  const line = (embedding: number[]) => `${JSON.stringify({ position: 0, content: 'A passage.', model: 'm', embedding })}\n`;
  const MEMORY_REFUSALS: Array<[string, Record<string, string>, RegExp]> = [
    ['memory of a session the archive does not hold', { 'chunks/session-001.jsonl': line(Array(EMBEDDING_DIMENSIONS).fill(0.1)) }, /chunks\/session-001\.jsonl: the archive has no sessions\/session-001\.txt for this memory/],
    ['an embedding of the wrong length', { 'lore/a.md': '---\ntitle: A\nkind: lore\n---\nText.', 'chunks/lore-a.jsonl': line([0.1, 0.2]) }, /chunks\/lore-a\.jsonl: line 1: embedding must have 256 numbers/],
    ['a memory line that is not JSON', { 'lore/a.md': '---\ntitle: A\nkind: lore\n---\nText.', 'chunks/lore-a.jsonl': 'not json\n' }, /chunks\/lore-a\.jsonl: line 1 is not valid JSON/],
  ];
  for (const [what, files, message] of MEMORY_REFUSALS) {
    it(`refuses ${what}, naming the file, and writes nothing`, async () => {
      const before = await campaignCount(other.tenant);
      const res = await upload(other.token, other.tenant, await archiveOf({ 'metadata.json': metadata(`Memory ${what}`), ...files }));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await campaignCount(other.tenant)).toBe(before);
    });
  }
});

describe('export and import at /api/v1/campaigns (the tenant found from the campaign or the caller)', () => {
  const post = async (token: string, query: string, archive: Uint8Array) => {
    const res = await exports.default.fetch(base(`/campaigns/import${query}`), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' }, body: archive });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('exports the campaign as the nested route does, and imports into the one tenant of the caller', async () => {
    const res = await exports.default.fetch(base(`/campaigns/${campaignId}/export`), { headers: { authorization: `Bearer ${owner.token}` } });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/gzip']);
    const files = await filesOf(res);
    const nested = await filesOf(await download(owner.token, owner.tenant, campaignId));
    const sansTime = (f: Map<string, string>) => new Map([...f].map(([name, text]) => [name, name === 'metadata.json' ? { ...JSON.parse(text), exported_at: null } : text]));
    expect(sansTime(files)).toEqual(sansTime(nested));

    const importer = await signIn();
    const imported = await post(importer.token, '', await archiveOf(Object.fromEntries(files)));
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.campaign).toMatchObject({ name: 'The Ironhold Commission', tenant_id: importer.tenant });
    // Tenant B's user cannot export tenant A's campaign here either.
    const outsider = await exports.default.fetch(base(`/campaigns/${campaignId}/export`), { headers: { authorization: `Bearer ${other.token}` } });
    expect([outsider.status, ((await outsider.json()) as any).error.code]).toEqual([404, 'campaign_not_found']);
  });

  it('asks a user of several tenants which one (tenant_id), and keeps to their memberships', async () => {
    const archive = await archiveOf({ 'metadata.json': metadata('Two Homes'), 'npcs/elara.yaml': npcYaml('Elara') });
    const both = await memberOf(owner.tenant, 'dm');
    const unnamed = await post(both.token, '', archive);
    expect([unnamed.status, unnamed.body.error.field]).toEqual([400, 'tenant_id']);
    const named = await post(both.token, `?tenant_id=${owner.tenant}`, archive);
    expect([named.status, named.body.campaign?.tenant_id]).toEqual([201, owner.tenant]);
    const before = await campaignCount(other.tenant);
    expect((await post(both.token, `?tenant_id=${other.tenant}`, archive)).status).toBe(404);
    expect(await campaignCount(other.tenant)).toBe(before);
  });
});
