import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { campaignKeys, npcQuery } from '../campaigns/campaign-queries.ts';
import { NpcEditor } from '../campaigns/npc-form.tsx';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { Alert } from '../components/ui/alert.tsx';

/** One NPC: every field, saved whole (PUT), or deleted. */
function NpcScreen() {
  const { tenantId, npcId } = useParams({ from: '/signed-in/teams/$tenantId/npcs/$npcId' });
  const { data: npc } = useSuspenseQuery(npcQuery(tenantId, npcId));
  const manage = canManage(useTenantRole(tenantId));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const campaignId = npc.campaign_id;
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <Link to="/teams/$tenantId/campaigns/$campaignId" params={{ tenantId, campaignId }} className="self-start text-sm hover:underline">
        ← Back to the campaign
      </Link>
      <h1 className="text-2xl font-semibold">{npc.name}</h1>
      <NpcEditor
        key={npc.updated_at}
        npc={npc}
        tenantId={tenantId}
        disabled={!manage}
        onSave={async (body) => {
          setSaved(false);
          const res = await api.tenants[':id'].npcs[':npcId'].$put({ param: { id: tenantId, npcId }, json: body });
          queryClient.setQueryData(campaignKeys.npc(tenantId, npcId), (await res.json()).npc);
          await queryClient.invalidateQueries({ queryKey: campaignKeys.npcs(tenantId, campaignId) });
          setSaved(true);
        }}
      />
      {saved && <Alert>Saved. The next session that loads this campaign uses it.</Alert>}
      {manage && (
        <ConfirmDelete
          what={npc.name}
          consequence="It will no longer speak in this campaign's sessions."
          onDelete={async () => {
            await api.tenants[':id'].npcs[':npcId'].$delete({ param: { id: tenantId, npcId } });
            queryClient.removeQueries({ queryKey: campaignKeys.npc(tenantId, npcId) });
            await queryClient.invalidateQueries({ queryKey: campaignKeys.npcs(tenantId, campaignId) });
            await navigate({ to: '/teams/$tenantId/campaigns/$campaignId', params: { tenantId, campaignId } });
          }}
        />
      )}
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/npcs/$npcId')({ component: NpcScreen });
