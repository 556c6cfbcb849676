import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useNavigate, useParams } from '@tanstack/react-router';
import { api } from '../api/client.ts';
import { campaignKeys, campaignQuery } from '../campaigns/campaign-queries.ts';
import { NpcEditor } from '../campaigns/npc-form.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';

/** A new NPC in a campaign. */
function NewNpc() {
  const { tenantId, campaignId } = useParams({ from: '/signed-in/teams/$tenantId/campaigns/$campaignId/npcs/new' });
  const { data: campaign } = useSuspenseQuery(campaignQuery(tenantId, campaignId));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">New NPC in {campaign.name}</h1>
      <NpcEditor
        tenantId={tenantId}
        onSave={async (body) => {
          const { npc } = await (await api.tenants[':id'].campaigns[':campaignId'].npcs.$post({ param: { id: tenantId, campaignId }, json: body })).json();
          queryClient.setQueryData(campaignKeys.npc(tenantId, npc.id), npc);
          await queryClient.invalidateQueries({ queryKey: campaignKeys.npcs(tenantId, campaignId) });
          await navigate({ to: '/teams/$tenantId/campaigns/$campaignId', params: { tenantId, campaignId } });
        }}
      />
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/campaigns/$campaignId/npcs/new')({ component: NewNpc });
