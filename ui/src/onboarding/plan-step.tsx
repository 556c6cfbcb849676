import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { billingQuery } from '../billing/billing-queries.ts';
import { PlanPicker } from '../billing/plan-picker.tsx';
import { isLive, TIER_NAMES } from '../billing/plan-words.ts';
import { PageLoading } from '../components/states/page-loading.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';

const chosenKey = (tenantId: string) => `glyphoxa.onboarding.apprentice.${tenantId}`;

/**
 * Whether the team's plan is chosen: a paid plan in force (Stripe's, or one its operator set), or
 * Apprentice chosen here. Apprentice is no purchase the edge records, so that choice is kept in
 * this browser; a team that already has an NPC is past this step anyway.
 */
export function planChosen(tenantId: string, plan: string, npcs: number): boolean {
  return plan !== 'apprentice' || npcs > 0 || localStorage.getItem(chosenKey(tenantId)) !== null;
}

/**
 * Onboarding's plan step: Apprentice moves on at once; a paid plan goes through Stripe's checkout,
 * which comes back here (`checkout`), and the step is done once Stripe's confirmation has arrived.
 */
export function PlanStep({ tenantId, checkout, onChosen }: { tenantId: string; checkout: 'complete' | 'canceled' | undefined; onChosen: () => void }) {
  const billing = useQuery({
    ...billingQuery(tenantId),
    // Back from a paid checkout: ask until the webhook has made the plan the team's.
    refetchInterval: (q) => (checkout === 'complete' && !isLive(q.state.data?.subscription ?? null) ? 2000 : false),
  });
  const live = billing.data && isLive(billing.data.subscription) ? billing.data.subscription : null;
  // The confirmation arrived while this step was shown: the tenant (and so the step) moves on.
  useEffect(() => {
    if (live) onChosen();
    // Once per plan that comes into force, not on every poll.
  }, [live?.tier]);
  if (billing.isPending) return <PageLoading />;
  if (billing.isError) return <FailureAlert failure={billing.error} fallback="The plans were not read" />;
  if (live) return <Alert>Thank you: the {TIER_NAMES[live.tier]} plan is in force.</Alert>;
  return (
    <div className="flex flex-col gap-4">
      {checkout === 'complete' && <Alert>Payment received. Waiting for Stripe to confirm it; this step moves on by itself.</Alert>}
      {checkout === 'canceled' && <Alert>The checkout was canceled and nothing was charged. Choose a plan again, or continue with Apprentice.</Alert>}
      <PlanPicker
        tenantId={tenantId}
        billing={billing.data}
        returnPath="/onboarding"
        onApprentice={() => {
          localStorage.setItem(chosenKey(tenantId), new Date().toISOString());
          onChosen();
        }}
      />
    </div>
  );
}
