import type { ArchivedRelationship, ArchivedSession, CampaignFields, EntityFields, LoreFields, NpcFields, TranscriptLine } from '@glyphoxa/db';
import { MAX_LORE_BODY_LENGTH, MAX_LORE_TITLE_LENGTH, MAX_RELATIONSHIP_TYPE_LENGTH, loreKind, relationshipSource } from '@glyphoxa/db';
import * as v from 'valibot';
import { stringify } from 'yaml';
import { CAMPAIGN_ENTRIES, MAX_FILE_ENTITIES } from '../yaml-format.ts';

/**
 * The files of a campaign archive (docs/CAMPAIGN_ARCHIVE.md), each written and read here:
 * what `render*` writes, the matching `*Schema` or `parse*` reads back to the same fields.
 */

/** The archive format this server writes and the only one it reads. */
export const ARCHIVE_VERSION = 1;

export const METADATA_FILE = 'metadata.json';
export const GRAPH_FILE = 'knowledge-graph.json';
export const NPC_FILE = /^npcs\/[a-z0-9][a-z0-9-]*\.yaml$/;
export const LORE_FILE = /^lore\/[a-z0-9][a-z0-9-]*\.md$/;
export const SESSION_FILE = /^sessions\/session-(\d{3,6})\.txt$/;
/** The folders an archive may hold besides its top-level files. */
export const FOLDERS = new Set(['npcs/', 'lore/', 'sessions/']);

/** A name as a file name: lowercase letters, digits and dashes, unique among `taken` (which it joins). */
export function slugOf(name: string, taken: Set<string>): string {
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'untitled';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

/** `sessions/session-001.txt` for the first (oldest) session. */
export const sessionFileName = (index: number) => `sessions/session-${String(index + 1).padStart(3, '0')}.txt`;
const sessionRef = (index: number) => sessionFileName(index).slice('sessions/'.length, -'.txt'.length);

// --- metadata.json ---------------------------------------------------------------------------

export const MetadataSchema = v.strictObject({
  version: v.literal(ARCHIVE_VERSION),
  campaign_id: v.string(),
  tenant_id: v.string(),
  license_tier: v.string(),
  exported_at: v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 time')),
  campaign: v.strictObject(CAMPAIGN_ENTRIES),
});

export function renderMetadata(meta: { campaignId: string; tenantId: string; licenseTier: string; exportedAt: Date; campaign: CampaignFields }): string {
  const { name, gameSystem, language, description } = meta.campaign;
  const campaign = { name, ...(gameSystem ? { system: gameSystem } : {}), ...(language ? { language } : {}), ...(description ? { description } : {}) };
  return json({ version: ARCHIVE_VERSION, campaign_id: meta.campaignId, tenant_id: meta.tenantId, license_tier: meta.licenseTier, exported_at: meta.exportedAt.toISOString(), campaign });
}

// --- npcs/<slug>.yaml: the campaign YAML's NPC entry ----------------------------------------

export function renderNpc(npc: NpcFields): string {
  return stringify({
    name: npc.name,
    aliases: npc.aliases ?? [],
    personality: npc.personality ?? '',
    voice: npc.voice,
    ...(npc.engine ? { engine: npc.engine } : {}),
    budget_tier: npc.budgetTier,
    knowledge_scope: npc.knowledgeScope ?? [],
    ...(npc.secretKnowledge ? { secret_knowledge: npc.secretKnowledge } : {}),
    behavior_rules: npc.behaviorRules ?? [],
    gm_helper: npc.gmHelper ?? false,
    muted_by_default: npc.mutedByDefault ?? false,
    tools: npc.tools ?? [],
  });
}

// --- knowledge-graph.json ---------------------------------------------------------------------

export const RelationshipEntrySchema = v.strictObject({
  from: v.pipe(v.string('must be text'), v.nonEmpty('must name an entity')),
  to: v.pipe(v.string('must be text'), v.nonEmpty('must name an entity')),
  type: v.pipe(v.string('must be text'), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_RELATIONSHIP_TYPE_LENGTH, `must be at most ${MAX_RELATIONSHIP_TYPE_LENGTH} characters`)),
  bidirectional: v.boolean('must be true or false'),
  confidence: v.pipe(v.number('must be a number'), v.minValue(0, 'must be from 0 to 1'), v.maxValue(1, 'must be from 0 to 1')),
  source: v.picklist(relationshipSource.enumValues, `must be one of ${relationshipSource.enumValues.join(', ')}`),
  dm_confirmed: v.boolean('must be true or false'),
  /** The session file whose transcript suggested it (`session-003`), or null. */
  session: v.nullable(v.pipe(v.string('must be text'), v.regex(/^session-\d{3,6}$/, 'must name a session file such as session-001'))),
});
export type RelationshipEntry = v.InferOutput<typeof RelationshipEntrySchema>;

/** The graph's shape; entities and relationships are checked one by one, so each problem names its place. */
export const GraphSchema = v.strictObject({
  entities: v.pipe(v.array(v.unknown(), 'must be a list'), v.maxLength(MAX_FILE_ENTITIES, `must list at most ${MAX_FILE_ENTITIES}`)),
  relationships: v.pipe(v.array(v.unknown(), 'must be a list'), v.maxLength(MAX_FILE_ENTITIES * 4, `must list at most ${MAX_FILE_ENTITIES * 4}`)),
});

export function renderGraph(entities: EntityFields[], relationships: Array<ArchivedRelationship>): string {
  return json({
    entities: entities.map((e) => ({ name: e.name, type: e.type, description: e.description ?? '', tags: e.tags ?? [], properties: e.properties ?? {} })),
    relationships: relationships.map(
      (r): RelationshipEntry => ({
        from: r.from,
        to: r.to,
        type: r.type,
        bidirectional: r.bidirectional ?? false,
        confidence: r.confidence ?? 1,
        source: r.source ?? 'dm',
        dm_confirmed: r.dmConfirmed ?? false,
        session: r.session === null ? null : sessionRef(r.session),
      }),
    ),
  });
}

/** `session-003` to its place among the archive's sessions (2). */
export const sessionIndexOf = (ref: string) => Number(ref.slice('session-'.length)) - 1;

// --- lore/<slug>.md: a front matter, then the markdown ------------------------------------------

export const LoreFrontSchema = v.strictObject({
  title: v.pipe(v.string('must be text'), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_LORE_TITLE_LENGTH, `must be at most ${MAX_LORE_TITLE_LENGTH} characters`)),
  kind: v.picklist(loreKind.enumValues, `must be one of ${loreKind.enumValues.join(', ')}`),
});

export function renderLore(doc: LoreFields): string {
  return `---\n${stringify({ title: doc.title, kind: doc.kind ?? 'lore' })}---\n${doc.body ?? ''}`;
}

/** The front matter's text and the body, or a problem. */
export function splitLore(text: string): { front: string; body: string } | { problem: string } {
  if (!text.startsWith('---\n')) return { problem: 'must begin with a front matter (a line ---, title and kind, a line ---)' };
  const end = text.indexOf('\n---\n', 3);
  if (end < 0) return { problem: 'its front matter has no closing line ---' };
  const body = text.slice(end + '\n---\n'.length);
  if (body.length > MAX_LORE_BODY_LENGTH) return { problem: `its text must be at most ${MAX_LORE_BODY_LENGTH} characters` };
  return { front: text.slice(4, end + 1), body };
}

// --- sessions/session-NNN.txt: one line a spoken line -------------------------------------------

const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const unescape = (text: string) => text.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));

/** The header and the first line of a session file; `render` writes them, `parse` reads them back. */
export function renderSessionHead(session: { startedAt: Date; endedAt: Date | null }): string {
  return `# started_at: ${session.startedAt.toISOString()}\n# ended_at: ${(session.endedAt ?? session.startedAt).toISOString()}\n`;
}

/** `[time] Speaker name <speaker id> (npc): what was said`, newlines in it escaped. */
export function renderLine(line: TranscriptLine): string {
  return `[${new Date(line.spokenAt).toISOString()}] ${escape(line.speakerName)} <${escape(line.speakerId)}>${line.npc ? ' (npc)' : ''}: ${escape(line.text)}\n`;
}

const HEAD = /^# started_at: (\S+)\n# ended_at: (\S+)\n/;
const LINE = /^\[([^\]]+)\] (.*) <([^<>]*)>( \(npc\))?: (.*)$/;
const MAX_LINE_TEXT = 10_000;

const time = (text: string) => {
  const at = new Date(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(at.getTime()) ? at : null;
};

/** A session file back to its times and lines, or the first problem with its line number. */
export function parseSession(text: string): ArchivedSession | { problem: string } {
  const head = HEAD.exec(text);
  const startedAt = head && time(head[1]!);
  const endedAt = head && time(head[2]!);
  if (!startedAt || !endedAt) return { problem: 'must begin with the lines "# started_at: <ISO time>" and "# ended_at: <ISO time>"' };
  const lines: TranscriptLine[] = [];
  const rows = text.slice(head![0].length).split('\n');
  if (rows.at(-1) === '') rows.pop();
  for (const [index, row] of rows.entries()) {
    const match = LINE.exec(row);
    const spokenAt = match && time(match[1]!);
    const where = `line ${index + 3}`;
    if (!match || !spokenAt) return { problem: `${where} is not "[time] Speaker <speaker id>: text"` };
    const [, , name, id, npc, said] = match;
    if (!name || !id) return { problem: `${where} must name its speaker and the speaker's id` };
    if (said!.length > MAX_LINE_TEXT) return { problem: `${where} is longer than ${MAX_LINE_TEXT} characters` };
    lines.push({ spokenAt, speakerName: unescape(name), speakerId: unescape(id), npc: npc !== undefined, text: unescape(said!) });
  }
  return { startedAt, endedAt, lines };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
