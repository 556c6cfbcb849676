import type { ArchivedChunk, ArchivedRelationship, ArchivedSession, CampaignArchiveContent, LoreFields } from '@glyphoxa/db';
import { createTarDecoder } from 'modern-tar';
import * as v from 'valibot';
import { checkEntries, describeIssue, readYaml } from '../yaml-file.ts';
import { campaignFields, MAX_FILE_NPCS, StrictEntityEntrySchema, StrictNpcEntrySchema } from '../yaml-format.ts';
import {
  ARCHIVE_VERSION,
  CHUNK_FILE,
  chunkOriginOf,
  ChunkLineSchema,
  FOLDERS,
  GRAPH_FILE,
  GraphSchema,
  LORE_FILE,
  LoreFrontSchema,
  METADATA_FILE,
  MetadataSchema,
  NPC_FILE,
  parseSession,
  RelationshipEntrySchema,
  SESSION_FILE,
  sessionIndexOf,
  splitLore,
} from './archive-files.ts';

/** How far an archive may unpack, and how many files it may hold (decompression bombs, floods of files). */
export interface ArchiveLimits {
  maxUnpackedBytes: number;
  maxFiles: number;
}

/** Why an archive is refused: every problem found, each naming its file. */
export class ArchiveRefused extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'ArchiveRefused';
    this.problems = problems;
  }
}

/** What an import reads from each file, for the report the importer sees. */
export interface ArchiveReport {
  files: Array<{ file: string; holds: string }>;
}

/**
 * Reads and checks a whole `campaign-export.tar.gz` (or a plain tar) before anything is
 * written: only regular files at the archive's own paths (no links, devices, `..` or absolute
 * names), at most `limits` unpacked, UTF-8 text, a known version, every entry valid and every
 * name once. Throws ArchiveRefused with every problem found.
 */
export async function readArchive(bytes: ArrayBuffer, limits: ArchiveLimits): Promise<{ content: CampaignArchiveContent; report: ArchiveReport }> {
  const texts = await unpack(bytes, limits);
  return checkArchive(texts);
}

async function unpack(bytes: ArrayBuffer, limits: ArchiveLimits): Promise<Map<string, string>> {
  const magic = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  let unpacked = 0;
  const bounded = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      unpacked += chunk.byteLength;
      if (unpacked > limits.maxUnpackedBytes) throw new ArchiveRefused([`the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`]);
      out.enqueue(chunk);
    },
  });
  let stream: ReadableStream<Uint8Array> = new Blob([bytes]).stream();
  if (gzipped) stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  const texts = new Map<string, string>();
  const problems: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    for await (const entry of stream.pipeThrough(bounded).pipeThrough(createTarDecoder({ strict: true }))) {
      const { name, type } = entry.header;
      const problem = pathProblem(name, type ?? 'file');
      if (problem || type === 'directory') {
        await entry.body.cancel();
        if (problem) problems.push(`${printable(name)}: ${problem}`);
        continue;
      }
      if (texts.size >= limits.maxFiles) throw new ArchiveRefused([`the archive holds more than ${limits.maxFiles} files`]);
      if (texts.has(name)) problems.push(`${name}: the archive holds it twice`);
      const data = new Uint8Array(await new Response(entry.body).arrayBuffer());
      try {
        texts.set(name, decoder.decode(data));
      } catch {
        problems.push(`${name}: is not UTF-8 text`);
      }
    }
  } catch (error) {
    if (error instanceof ArchiveRefused) throw error;
    throw new ArchiveRefused([`the upload is not a tar.gz archive (${error instanceof Error ? error.message : String(error)})`]);
  }
  if (problems.length > 0) throw new ArchiveRefused(problems);
  return texts;
}

const printable = (name: string) => JSON.stringify(name).slice(1, -1).slice(0, 200);

/** Why an entry has no place in an archive, or null for one of its own files or folders. */
function pathProblem(name: string, type: string): string | null {
  if (type === 'symlink' || type === 'link') return 'links are refused';
  if (type !== 'file' && type !== 'directory') return `a ${type} entry is refused; an archive holds only files`;
  if (name.startsWith('/') || /^[a-z]:/i.test(name) || name.includes('\\') || name.includes('\0') || name.split('/').some((part) => part === '..' || part === '.')) {
    return 'a path leaving the archive (absolute, "..", "." or a backslash) is refused';
  }
  if (type === 'directory') return FOLDERS.has(name.endsWith('/') ? name : `${name}/`) ? null : 'is not a folder of a campaign archive';
  if (name === METADATA_FILE || name === GRAPH_FILE || NPC_FILE.test(name) || LORE_FILE.test(name) || SESSION_FILE.test(name) || CHUNK_FILE.test(name)) return null;
  return 'is not a file of a campaign archive (metadata.json, knowledge-graph.json, npcs/*.yaml, lore/*.md, sessions/session-NNN.txt, chunks/*.jsonl)';
}

function parseJson(text: string): { data: unknown } | { problem: string } {
  try {
    return { data: JSON.parse(text) };
  } catch (error) {
    return { problem: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

const issues = (result: { issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]] }) => result.issues.map(describeIssue).join('; ');

function checkArchive(texts: Map<string, string>): { content: CampaignArchiveContent; report: ArchiveReport } {
  const problems: string[] = [];
  const report: ArchiveReport = { files: [] };
  const files = [...texts.keys()].sort();

  // metadata.json: the version first, so a newer archive is refused for that, not its fields.
  const metaText = texts.get(METADATA_FILE);
  let campaign: CampaignArchiveContent['campaign'] | undefined;
  if (metaText === undefined) problems.push(`${METADATA_FILE}: is missing`);
  else {
    const parsed = parseJson(metaText);
    if ('problem' in parsed) problems.push(`${METADATA_FILE}: ${parsed.problem}`);
    else {
      const version = (parsed.data as { version?: unknown } | null)?.version;
      if (version !== ARCHIVE_VERSION) problems.push(`${METADATA_FILE}: version ${JSON.stringify(version ?? null)} is not one this server reads (it reads ${ARCHIVE_VERSION})`);
      else {
        const meta = v.safeParse(MetadataSchema, parsed.data);
        if (!meta.success) problems.push(`${METADATA_FILE}: ${issues(meta)}`);
        else {
          campaign = campaignFields(meta.output.campaign);
          report.files.push({ file: METADATA_FILE, holds: `campaign "${campaign.name}"` });
        }
      }
    }
  }

  // Sessions: their files in order, numbered from 001 without gaps, so edges can name them.
  const sessionFiles = files.filter((f) => SESSION_FILE.test(f));
  const sessions: ArchivedSession[] = [];
  sessionFiles.forEach((file, index) => {
    if (Number(SESSION_FILE.exec(file)![1]) - 1 !== index) {
      problems.push(`${file}: sessions must be numbered from session-001 without gaps`);
      return;
    }
    const parsed = parseSession(texts.get(file)!);
    if ('problem' in parsed) problems.push(`${file}: ${parsed.problem}`);
    else {
      sessions.push(parsed);
      report.files.push({ file, holds: `${parsed.lines.length} transcript lines` });
    }
  });

  // NPCs: one YAML file each, strict, names distinct.
  const npcFiles = files.filter((f) => NPC_FILE.test(f));
  if (npcFiles.length > MAX_FILE_NPCS) problems.push(`npcs/: at most ${MAX_FILE_NPCS} NPCs`);
  const npcEntries: Array<{ file: string; data: unknown }> = [];
  for (const file of npcFiles) {
    const read = readYaml(texts.get(file)!);
    if ('problem' in read) problems.push(`${file}: ${read.problem}`);
    else npcEntries.push({ file, data: read.data });
  }
  const npcs = checkEntries(StrictNpcEntrySchema, 'npcs', npcEntries.map((e) => e.data));
  // checkEntries counts entries (`npcs #2 (Name)`); a file is named by its path.
  problems.push(...npcs.problems.map((p) => p.replace(/^npcs #(\d+)/, (_, n: string) => npcEntries[Number(n) - 1]!.file)));
  if (npcs.problems.length === 0) npcs.valid.forEach((npc, index) => report.files.push({ file: npcEntries[index]!.file, holds: `NPC "${npc.name}"` }));

  // The knowledge graph: entities by name, edges between them, sessions by file.
  const graphText = texts.get(GRAPH_FILE);
  const entities = checkEntries(StrictEntityEntrySchema, 'entities', []);
  const relationships: ArchivedRelationship[] = [];
  if (graphText !== undefined) {
    const parsed = parseJson(graphText);
    const graph = 'problem' in parsed ? null : v.safeParse(GraphSchema, parsed.data);
    if ('problem' in parsed) problems.push(`${GRAPH_FILE}: ${parsed.problem}`);
    else if (graph && !graph.success) problems.push(`${GRAPH_FILE}: ${issues(graph)}`);
    else if (graph?.success) {
      const checked = checkEntries(StrictEntityEntrySchema, 'entities', graph.output.entities);
      entities.valid.push(...checked.valid);
      problems.push(...checked.problems.map((p) => `${GRAPH_FILE}: ${p}`));
      const names = new Set(checked.valid.map((e) => e.name.toLowerCase()));
      const seen = new Set<string>();
      graph.output.relationships.forEach((entry, index) => {
        const where = `${GRAPH_FILE}: relationships #${index + 1}`;
        const edge = v.safeParse(RelationshipEntrySchema, entry);
        if (!edge.success) return problems.push(`${where}: ${issues(edge)}`);
        const { from, to, session, dm_confirmed, ...rest } = edge.output;
        const missing = [from, to].filter((name) => !names.has(name.toLowerCase()));
        if (missing.length > 0) return problems.push(`${where}: no entity named ${missing.map((m) => `"${m}"`).join(' or ')}`);
        if (from.toLowerCase() === to.toLowerCase()) return problems.push(`${where}: an entity cannot relate to itself`);
        const key = `${from.toLowerCase()}\0${to.toLowerCase()}\0${rest.type}`;
        if (seen.has(key)) return problems.push(`${where}: the same edge (${from} ${rest.type} ${to}) is listed twice`);
        seen.add(key);
        const sessionIndex = session === null ? null : sessionIndexOf(session);
        if (sessionIndex !== null && sessionIndex >= sessionFiles.length) return problems.push(`${where}: the archive has no sessions/${session}.txt`);
        relationships.push({ ...rest, from, to, dmConfirmed: dm_confirmed, session: sessionIndex });
      });
      report.files.push({ file: GRAPH_FILE, holds: `${checked.valid.length} entities, ${relationships.length} relationships` });
    }
  }

  // Lore: front matter (title, kind) and markdown, titles distinct.
  const lore: LoreFields[] = [];
  const loreIndex = new Map<string, number>();
  const titles = new Map<string, string>();
  for (const file of files.filter((f) => LORE_FILE.test(f))) {
    const split = splitLore(texts.get(file)!);
    if ('problem' in split) {
      problems.push(`${file}: ${split.problem}`);
      continue;
    }
    const read = readYaml(split.front);
    const front = 'problem' in read ? null : v.safeParse(LoreFrontSchema, read.data);
    if ('problem' in read) problems.push(`${file}: its front matter: ${read.problem}`);
    else if (front && !front.success) problems.push(`${file}: its front matter: ${issues(front)}`);
    else if (front?.success) {
      const taken = titles.get(front.output.title.toLowerCase());
      if (taken) problems.push(`${file}: the title "${front.output.title}" is already taken by ${taken}`);
      else {
        titles.set(front.output.title.toLowerCase(), file);
        loreIndex.set(file, lore.length);
        lore.push({ ...front.output, body: split.body });
        report.files.push({ file, holds: `${front.output.kind} "${front.output.title}"` });
      }
    }
  }

  // Semantic memory: a line a passage, each of a lore document or session the archive holds.
  const chunks: ArchivedChunk[] = [];
  for (const file of files.filter((f) => CHUNK_FILE.test(f))) {
    const origin = chunkOriginOf(file);
    const sessionNumber = SESSION_FILE.exec(origin)?.[1];
    const place = sessionNumber !== undefined ? (texts.has(origin) ? { session: Number(sessionNumber) - 1 } : null) : loreIndex.has(origin) ? { lore: loreIndex.get(origin)! } : null;
    if (!place) {
      problems.push(`${file}: the archive has no ${origin} for this memory`);
      continue;
    }
    const rows = texts.get(file)!.split('\n');
    if (rows.at(-1) === '') rows.pop();
    const before = problems.length;
    rows.forEach((row, index) => {
      const parsed = parseJson(row);
      const line = 'problem' in parsed ? null : v.safeParse(ChunkLineSchema, parsed.data);
      if ('problem' in parsed) problems.push(`${file}: line ${index + 1} ${parsed.problem}`);
      else if (line && !line.success) problems.push(`${file}: line ${index + 1}: ${issues(line)}`);
      else if (line?.success) chunks.push({ ...line.output, ...place });
    });
    if (problems.length === before) report.files.push({ file, holds: `${rows.length} memory passages` });
  }

  if (problems.length > 0 || !campaign) throw new ArchiveRefused(problems);
  return { content: { campaign, npcs: npcs.valid, entities: entities.valid, relationships, lore, sessions, chunks }, report };
}
