import { listSessionEntries, listTenantProviders, recapSubject, saveRecap, type Database, type RecapSource } from '@glyphoxa/db';
import type { Logger } from '@glyphoxa/protocol';
import { providerSettings } from '../secrets/provider-keys.ts';
import { extractiveRecap, type Line } from './extractive.ts';
import { llmRecap, type RecapAbout } from './llm-recap.ts';

/** Lines read for one recap: a very long session's rest is not read. */
const MAX_LINES = 20_000;

export interface RecapDeps {
  db: Database;
  secretKeys: string;
  tenantId: string;
  log: Logger;
}

export interface SessionRecap {
  sessionId: string;
  startedAt: Date;
  campaignName: string | null;
  text: string;
  source: RecapSource;
  /** The tenant's LLM failed, so these are the transcript's key lines (and not kept). */
  llmFailed: boolean;
}

/**
 * The recap of the named session, or of the tenant's last finished one with a
 * transcript. Written once, by the tenant's LLM if it has one, else from the
 * transcript's key lines, and kept (only once the session has ended: until then
 * the transcript grows). `{missing}` says why there is none.
 */
export async function sessionRecap(deps: RecapDeps, sessionId?: string): Promise<SessionRecap | { missing: string }> {
  const subject = await recapSubject(deps.db, deps.tenantId, sessionId);
  if (!subject) return { missing: sessionId ? `You have no session ${sessionId}.` : 'No finished session has a transcript yet. Play one, then ask again.' };
  const { session, campaign, recap } = subject;
  const about = { sessionId: session.id, startedAt: session.startedAt, campaignName: campaign?.name ?? null };
  if (recap) return { ...about, text: recap.text, source: recap.source, llmFailed: false };
  const lines = await listSessionEntries(deps.db, deps.tenantId, session.id, MAX_LINES, undefined, 'spoken');
  if (lines.length === 0) return { missing: 'That session has no transcript to recap.' };
  const written = await write(deps, lines, { campaignName: about.campaignName, language: campaign?.language ?? null });
  if (session.state !== 'ended' || written.llmFailed) return { ...about, ...written };
  const kept = await saveRecap(deps.db, deps.tenantId, { sessionId: session.id, text: written.text, source: written.source });
  return { ...about, text: kept.text, source: kept.source, llmFailed: false };
}

async function write(deps: RecapDeps, lines: Line[], about: RecapAbout): Promise<{ text: string; source: RecapSource; llmFailed: boolean }> {
  const row = (await listTenantProviders(deps.db, deps.tenantId)).find((p) => p.role === 'llm');
  if (!row) return { text: extractiveRecap(lines), source: 'extractive', llmFailed: false };
  try {
    const { llm } = await providerSettings(deps.secretKeys, [row]);
    return { text: await llmRecap(llm!, lines, about), source: 'llm', llmFailed: false };
  } catch (error) {
    deps.log.warn('LLM recap failed; using the key lines', { error: String(error) });
    return { text: extractiveRecap(lines), source: 'extractive', llmFailed: true };
  }
}
