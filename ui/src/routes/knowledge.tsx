import { useSuspenseQueries } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams } from '@tanstack/react-router';
import { canManage, useTenantRole } from '../account/tenant-role.ts';
import { campaignQuery, npcsQuery } from '../campaigns/campaign-queries.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EntitiesCard } from '../knowledge/entities-card.tsx';
import { GraphCard } from '../knowledge/graph-card.tsx';
import { entitiesQuery, loreQuery, relationshipsQuery } from '../knowledge/knowledge-queries.ts';
import { LoreCard } from '../knowledge/lore-card.tsx';
import { RelationshipsCard } from '../knowledge/relationships-card.tsx';

/** A campaign's knowledge: its graph (and what each NPC may know of it), its entities, their relationships (proposals to accept or reject), its lore documents. */
function KnowledgeScreen() {
  const { tenantId, campaignId } = useParams({ from: '/signed-in/teams/$tenantId/campaigns/$campaignId/knowledge' });
  // Read together: one after another, each would wait for the one before.
  const [{ data: campaign }, { data: entities }, { data: relationships }, { data: documents }, { data: npcs }] = useSuspenseQueries({
    queries: [campaignQuery(tenantId, campaignId), entitiesQuery(tenantId, campaignId), relationshipsQuery(tenantId, campaignId), loreQuery(tenantId, campaignId), npcsQuery(tenantId, campaignId)],
  });
  const manage = canManage(useTenantRole(tenantId));
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Knowledge of {campaign.name}</h1>
        <Link to="/teams/$tenantId/campaigns/$campaignId" params={{ tenantId, campaignId }} className="text-sm underline-offset-4 hover:underline">
          Back to the campaign
        </Link>
      </div>
      <GraphCard entities={entities} relationships={relationships} npcs={npcs} />
      <EntitiesCard tenantId={tenantId} campaignId={campaignId} entities={entities} manage={manage} />
      <RelationshipsCard tenantId={tenantId} campaignId={campaignId} entities={entities} relationships={relationships} manage={manage} />
      <LoreCard tenantId={tenantId} campaignId={campaignId} documents={documents} manage={manage} />
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/campaigns/$campaignId/knowledge')({ component: KnowledgeScreen });
