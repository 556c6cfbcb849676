import { getCampaign } from '@glyphoxa/db';
import { ApiError } from '../../errors.ts';
import type { OperationContext } from '../context.ts';

export const campaignMissing = (id: string) => () => new ApiError(404, 'campaign_not_found', `No campaign ${id}`);

/** Throws the campaign's 404 unless the tenant has it (a list of nothing would hide a wrong id). */
export async function requireCampaign(ctx: OperationContext, tenantId: string, campaignId: string): Promise<void> {
  if (!(await getCampaign(ctx.db(), tenantId, campaignId))) throw campaignMissing(campaignId)();
}
