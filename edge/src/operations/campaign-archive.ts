import { campaignArchiveSource, importCampaignArchive } from '@glyphoxa/db';
import { audit } from '../audit.ts';
import { exportArchive } from '../campaign/archive/export-archive.ts';
import { ArchiveRefused, readArchive, type ArchiveReport } from '../campaign/archive/read-archive.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import { viewCampaign } from '../views/campaign.ts';
import type { OperationContext } from './context.ts';
import { serverToolProblems } from './mcp-servers.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';
import { planLimitError } from '../billing/plan-limit-error.ts';
import { tenantLimits } from '../billing/tenant-limits.ts';

/** Upload and unpacked bounds of an import: a Worker holds the unpacked text while it checks it. */
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024;
/** Files an archive may hold: 100 NPCs, lore and sessions with room to spare. */
const MAX_FILES = 5000;

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
};

export function importLimits(env: Partial<Bindings>) {
  return {
    maxBytes: positive(env.CAMPAIGN_IMPORT_MAX_BYTES, DEFAULT_MAX_BYTES),
    maxUnpackedBytes: positive(env.CAMPAIGN_IMPORT_MAX_UNPACKED_BYTES, DEFAULT_MAX_UNPACKED_BYTES),
    maxFiles: MAX_FILES,
  };
}

/** The campaign as a streamed `campaign-export.tar.gz` (docs/CAMPAIGN_ARCHIVE.md), its name for the download. */
export async function exportCampaign(ctx: OperationContext, principal: Principal, tenantId: string, campaignId: string) {
  const missing = () => new ApiError(404, 'campaign_not_found', `No campaign ${campaignId}`);
  authorize(principal, 'campaigns.view', tenantId, missing);
  const db = ctx.db();
  const source = await campaignArchiveSource(db, tenantId, campaignId);
  if (!source) throw missing();
  const detail = { npcs: source.npcs.length, entities: source.entities.length, relationships: source.relationships.length, lore: source.lore.length, sessions: source.sessions.length };
  await audit(ctx, principal, { tenantId, action: 'campaign.export', target: campaignId, detail });
  return { name: source.campaign.name, archive: exportArchive(db, tenantId, source, new Date()) };
}

/**
 * Creates a campaign from an archive with new ids, all or nothing: every file is checked
 * (NPCs' tools against the tenant's tool servers too) before one transaction writes. Refused: 400 `invalid_archive` naming each file and its
 * problem; 409 when the tenant already has a campaign of the archive's name.
 */
export async function importCampaign(ctx: OperationContext, principal: Principal, tenantId: string, bytes: ArrayBuffer): Promise<{ campaign: ReturnType<typeof viewCampaign>; report: ArchiveReport }> {
  authorize(principal, 'campaigns.manage', tenantId);
  let read;
  try {
    read = await readArchive(bytes, importLimits(ctx.env));
    const { content, report } = read;
    const tools = await serverToolProblems(ctx.db(), tenantId, content.npcs);
    // The report names each NPC's file, in the archive's words (`NPC "Grimjaw"`).
    const fileOf = (npc: number) => report.files.find((f) => f.holds === `NPC "${content.npcs[npc]!.name}"`)?.file ?? 'npcs/';
    if (tools.length > 0) throw new ArchiveRefused(tools.map((p) => `${fileOf(p.npc)}: ${p.message}`));
  } catch (error) {
    if (!(error instanceof ArchiveRefused)) throw error;
    const shown = error.problems.slice(0, 20);
    const more = error.problems.length - shown.length;
    throw new ApiError(400, 'invalid_archive', `The archive was not imported: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, shown[0]?.split(':')[0]);
  }
  const effective = await tenantLimits(ctx, await mustGetTenant(ctx.db(), tenantId));
  const campaign = await importCampaignArchive(ctx.db(), tenantId, read.content, { makeCurrent: false, maxNpcs: effective.limits.npcs });
  if (!campaign) throw new ApiError(409, 'campaign_exists', `metadata.json: campaign.name: You already have a campaign named "${read.content.campaign.name}"`, 'metadata.json');
  if ('limitReached' in campaign) throw planLimitError(effective, 'npcs', campaign.limitReached, read.content.npcs.length);
  const view = viewCampaign(campaign);
  const { content } = read;
  const detail = { npcs: content.npcs.length, entities: content.entities.length, relationships: content.relationships.length, lore: content.lore.length, sessions: content.sessions.length };
  await audit(ctx, principal, { tenantId, action: 'campaign.import', target: campaign.id, detail, after: view });
  return { campaign: view, report: read.report };
}
