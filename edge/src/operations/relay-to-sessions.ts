import { coordinatorOf } from '../durable/stubs.ts';
import type { OperationContext } from './context.ts';

/**
 * Tells the tenant's coordinator that a campaign's NPCs or its facts (entities,
 * relationships) changed; it hands them anew to the campaign's running sessions. The
 * write stands if that fails: the next change, or the next start, carries it.
 */
export async function relayToSessions(ctx: OperationContext, tenantId: string, campaignId: string, what: 'npcs' | 'knowledge'): Promise<void> {
  try {
    const coordinator = coordinatorOf(ctx.env, tenantId);
    await (what === 'npcs' ? coordinator.npcsChanged(campaignId) : coordinator.knowledgeChanged(campaignId));
  } catch (error) {
    ctx.log.warn(`${what === 'npcs' ? 'npc' : 'knowledge'} change not relayed to running sessions`, { tenant_id: tenantId, campaign_id: campaignId, error: String(error) });
  }
}
