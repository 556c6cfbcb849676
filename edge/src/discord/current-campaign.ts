import { currentCampaign, type Campaign } from '@glyphoxa/db';
import type { Answer, CommandContext } from './command.ts';

export const NO_CAMPAIGN = 'You have no current campaign. Load one with `/campaign load` or pick one with `/campaign switch`.';

/**
 * Runs `work` with the tenant's current campaign, read fresh (it may have been
 * switched from another server or the dashboard a moment ago), or says there is none.
 */
export async function withCurrentCampaign(ctx: CommandContext, work: (campaign: Campaign) => Promise<Answer>): Promise<Answer> {
  const campaign = await currentCampaign(ctx.db(), ctx.tenant.id);
  return campaign ? work(campaign) : NO_CAMPAIGN;
}
