import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams } from '@tanstack/react-router';
import { ScrollText } from 'lucide-react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { CampaignFormCard } from '../campaigns/campaign-form.tsx';
import { campaignKeys, campaignsQuery } from '../campaigns/campaign-queries.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';

/** A team's campaigns, and a new one (owners and DMs). */
function Campaigns() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/campaigns' });
  const { data: campaigns } = useSuspenseQuery(campaignsQuery(tenantId));
  const role = useTenantRole(tenantId);
  const queryClient = useQueryClient();
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Campaigns</h1>
      {campaigns.length === 0 ? (
        <EmptyState icon={ScrollText} title="No campaigns yet">
          A campaign holds the NPCs that speak in your sessions.{canManage(role) ? ' Create the first one below.' : ''}
        </EmptyState>
      ) : (
        <ul aria-label="Campaigns" className="divide-y rounded-md border">
          {campaigns.map((c) => (
            <li key={c.id}>
              <Link to="/teams/$tenantId/campaigns/$campaignId" params={{ tenantId, campaignId: c.id }} className="flex flex-wrap items-baseline justify-between gap-2 p-3 hover:bg-accent">
                <span className="font-medium">{c.name}</span>
                <span className="text-sm text-muted-foreground">{[c.system, c.language].filter(Boolean).join(' · ')}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {canManage(role) && (
        <Card>
          <CardHeader>
            <CardTitle>New campaign</CardTitle>
            <CardDescription>Its NPCs are added on the campaign's page once it is created.</CardDescription>
          </CardHeader>
          <CardContent>
            <CampaignFormCard
              submitLabel="Create campaign"
              onSave={async (body) => {
                await api.tenants[':id'].campaigns.$post({ param: { id: tenantId }, json: body });
                await queryClient.invalidateQueries({ queryKey: campaignKeys.list(tenantId) });
              }}
            />
          </CardContent>
        </Card>
      )}
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/campaigns')({ component: Campaigns });
