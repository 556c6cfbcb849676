import { listSessionEntries, type CampaignArchiveSource, type Database, type TranscriptLine } from '@glyphoxa/db';
import { createTarPacker } from 'modern-tar';
import { GRAPH_FILE, METADATA_FILE, renderGraph, renderLine, renderLore, renderMetadata, renderNpc, renderSessionHead, sessionFileName, slugOf } from './archive-files.ts';

/** Transcript lines read from the database at once while a session file is written. */
const LINES_PER_READ = 1000;

/**
 * The campaign as `campaign-export.tar.gz`, streamed: the archive's small files first, then
 * each past session's transcript read and written one at a time (a tar entry's size comes
 * before its bytes, so one session's text is held at once, never the whole campaign).
 */
export function exportArchive(db: Database, tenantId: string, source: CampaignArchiveSource, exportedAt: Date): ReadableStream<Uint8Array> {
  const { readable, controller } = createTarPacker();
  const encoder = new TextEncoder();
  const put = async (name: string, text: string) => {
    const bytes = encoder.encode(text);
    const writer = controller.add({ name, size: bytes.byteLength, mtime: exportedAt, type: 'file' }).getWriter();
    await writer.write(bytes);
    await writer.close();
  };
  const folder = async (name: string) => controller.add({ name, size: 0, mtime: exportedAt, type: 'directory' }).close();

  const sessionIndex = new Map(source.sessions.map((s, i) => [s.id, i]));
  const write = async () => {
    await put(METADATA_FILE, renderMetadata({ campaignId: source.campaign.id, tenantId, licenseTier: source.licenseTier, exportedAt, campaign: source.campaign }));
    const edges = source.relationships.map((r) => ({ ...r, session: r.sessionId ? (sessionIndex.get(r.sessionId) ?? null) : null }));
    await put(GRAPH_FILE, renderGraph(source.entities, edges));
    await folder('npcs/');
    const npcSlugs = new Set<string>();
    for (const npc of source.npcs) await put(`npcs/${slugOf(npc.name, npcSlugs)}.yaml`, renderNpc(npc));
    await folder('lore/');
    const loreSlugs = new Set<string>();
    for (const doc of source.lore) await put(`lore/${slugOf(doc.title, loreSlugs)}.md`, renderLore(doc));
    await folder('sessions/');
    for (const [index, session] of source.sessions.entries()) {
      let text = renderSessionHead(session);
      for await (const line of transcript(db, tenantId, session.id)) text += renderLine(line);
      await put(sessionFileName(index), text);
    }
    controller.finalize();
  };
  write().catch((error: unknown) => controller.error(error));
  return readable.pipeThrough(new CompressionStream('gzip'));
}

async function* transcript(db: Database, tenantId: string, sessionId: string): AsyncGenerator<TranscriptLine> {
  let after: number | undefined;
  for (;;) {
    const page = await listSessionEntries(db, tenantId, sessionId, LINES_PER_READ, after, 'spoken');
    yield* page;
    if (page.length < LINES_PER_READ) return;
    after = page.at(-1)!.id;
  }
}
