import type { Db } from './client.ts';
import { DEMO_CAMPAIGN } from './demo-campaign.ts';
import { createCampaign, findCampaignByName, setCurrentCampaign } from './repos/campaigns.ts';
import { createTenant, getTenant } from './repos/tenants.ts';
import type { Tenant } from './schema/index.ts';

export const DEMO_TENANT_ID = 'demo';

/**
 * The tenant a fresh install shows, with a demo campaign as its current one
 * (unless it has picked another). Running it again changes nothing.
 */
export async function seedDemoTenant(db: Db): Promise<Tenant> {
  const tenant = (await createTenant(db, { id: DEMO_TENANT_ID, tier: 'adventurer' })) ?? (await getTenant(db, DEMO_TENANT_ID));
  if (!tenant) throw new Error('demo tenant could not be created');
  const name = DEMO_CAMPAIGN.campaign.name;
  // Another process may create it between the lookup and the insert: then it is found again.
  const campaign =
    (await findCampaignByName(db, DEMO_TENANT_ID, name)) ??
    (await createCampaign(db, DEMO_TENANT_ID, DEMO_CAMPAIGN, { makeCurrent: false })) ??
    (await findCampaignByName(db, DEMO_TENANT_ID, name));
  if (!campaign) throw new Error('demo campaign could not be created');
  if (tenant.campaignId) return tenant;
  await setCurrentCampaign(db, DEMO_TENANT_ID, campaign.id);
  return (await getTenant(db, DEMO_TENANT_ID))!;
}
