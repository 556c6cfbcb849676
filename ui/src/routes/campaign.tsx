import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useParams } from '@tanstack/react-router';
import { UserRound } from 'lucide-react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { CampaignFormCard } from '../campaigns/campaign-form.tsx';
import { campaignKeys, campaignQuery, npcsQuery } from '../campaigns/campaign-queries.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card.tsx';

/** One campaign: its fields, its NPCs, deleting it. */
function CampaignScreen() {
  const { tenantId, campaignId } = useParams({ from: '/signed-in/teams/$tenantId/campaigns/$campaignId' });
  const { data: campaign } = useSuspenseQuery(campaignQuery(tenantId, campaignId));
  const { data: npcs } = useSuspenseQuery(npcsQuery(tenantId, campaignId));
  const manage = canManage(useTenantRole(tenantId));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">{campaign.name}</h1>
        <Link to="/teams/$tenantId/campaigns/$campaignId/knowledge" params={{ tenantId, campaignId }} className="text-sm underline-offset-4 hover:underline">
          Knowledge and lore
        </Link>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>NPCs</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {npcs.length === 0 ? (
            <EmptyState icon={UserRound} title="No NPCs yet">
              Each NPC speaks in its own voice when this campaign is loaded in a session.
            </EmptyState>
          ) : (
            <ul aria-label="NPCs" className="divide-y rounded-md border">
              {npcs.map((n) => (
                <li key={n.id}>
                  <Link to="/teams/$tenantId/npcs/$npcId" params={{ tenantId, npcId: n.id }} className="flex flex-wrap items-baseline justify-between gap-2 p-3 hover:bg-accent">
                    <span className="font-medium">{n.name}</span>
                    <span className="text-sm text-muted-foreground">
                      {n.voice.provider} / {n.voice.voice_id}
                      {n.muted_by_default ? ' · muted' : ''}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {manage && (
            <Button asChild className="self-start">
              <Link to="/teams/$tenantId/campaigns/$campaignId/npcs/new" params={{ tenantId, campaignId }}>
                New NPC
              </Link>
            </Button>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Campaign</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <CampaignFormCard
            key={campaign.updated_at}
            campaign={campaign}
            submitLabel="Save campaign"
            disabled={!manage}
            onSave={async (body) => {
              const res = await api.tenants[':id'].campaigns[':campaignId'].$put({ param: { id: tenantId, campaignId }, json: body });
              queryClient.setQueryData(campaignKeys.one(tenantId, campaignId), (await res.json()).campaign);
              await queryClient.invalidateQueries({ queryKey: campaignKeys.list(tenantId), exact: true });
            }}
          />
          {manage && (
            <ConfirmDelete
              what={campaign.name}
              consequence="Its NPCs and entities go with it."
              onDelete={async () => {
                await api.tenants[':id'].campaigns[':campaignId'].$delete({ param: { id: tenantId, campaignId } });
                queryClient.removeQueries({ queryKey: campaignKeys.one(tenantId, campaignId) });
                await queryClient.invalidateQueries({ queryKey: campaignKeys.list(tenantId), exact: true });
                await navigate({ to: '/teams/$tenantId/campaigns', params: { tenantId } });
              }}
            />
          )}
        </CardContent>
      </Card>
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/campaigns/$campaignId')({ component: CampaignScreen });
