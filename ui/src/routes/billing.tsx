import { useMutation, useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams, useSearch } from '@tanstack/react-router';
import { ExternalLink } from 'lucide-react';
import { meQuery } from '../account/me-query.ts';
import { useTenantRole } from '../account/tenant-role.ts';
import { InvoicesCard } from '../billing/invoices-card.tsx';
import { billingQuery, portalUrl } from '../billing/billing-queries.ts';
import { PlanPicker } from '../billing/plan-picker.tsx';
import { PlanUsage } from '../billing/plan-usage.tsx';
import { day, isLive, priceOf, TIER_NAMES } from '../billing/plan-words.ts';
import { SubscriptionStatus } from '../billing/subscription-status.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { tenantQuery } from '../onboarding/onboarding-queries.ts';

const FROM = '/signed-in/teams/$tenantId/settings/billing';

/** A team's plan: what it is on, its usage against it, changing it, Stripe's portal and the invoices (owners and super admins, as the edge's billing.manage). */
function BillingScreen() {
  const { tenantId } = useParams({ from: FROM });
  const owner = useTenantRole(tenantId) === 'tenant_owner';
  const superAdmin = useSuspenseQuery(meQuery).data.user.super_admin;
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Plan</h1>
      {owner || superAdmin ? <BilledTeam tenantId={tenantId} /> : <Alert>Only the team's owners see and change its plan. Ask an owner if the team needs more.</Alert>}
    </>
  );
}

/** Billing is switched off on a self-hosted installation: the tenant view says so (no plan), and nothing here applies. */
function BilledTeam({ tenantId }: { tenantId: string }) {
  const { data: tenant } = useSuspenseQuery(tenantQuery(tenantId));
  if (tenant.limits.plan === null) return <Alert>This installation does not bill: every team is unlimited, but for limits its operator sets.</Alert>;
  return <PlanScreen tenantId={tenantId} />;
}

function PlanScreen({ tenantId }: { tenantId: string }) {
  const checkout = useSearch({ from: FROM }).checkout;
  const { data: loaded } = useSuspenseQuery(billingQuery(tenantId));
  // Back from a paid checkout, the plan starts when Stripe's webhook arrives: ask again until it has.
  const waiting = checkout === 'complete' && !isLive(loaded.subscription);
  const { data: billing = loaded } = useQuery({ ...billingQuery(tenantId), refetchInterval: waiting ? 2000 : false });
  const portal = useMutation({ mutationFn: () => portalUrl(tenantId, `/teams/${tenantId}/settings/billing`), onSuccess: (url) => window.location.assign(url) });
  const { subscription: s, limits } = billing;
  const live = isLive(s) ? s : null;
  const planName = limits.plan ? TIER_NAMES[limits.plan] : 'No';
  const byOperator = !live && limits.plan !== 'apprentice';
  const portalButton = (
    <div className="flex flex-col gap-2">
      <Button variant="outline" className="self-start" onClick={() => portal.mutate()} disabled={portal.isPending}>
        <ExternalLink aria-hidden="true" />
        {portal.isPending ? 'Opening the billing portal…' : 'Open the billing portal'}
      </Button>
      <FailureAlert failure={portal.error} fallback="The billing portal did not open" />
    </div>
  );
  return (
    <>
      {checkout === 'complete' && (
        <Alert>{isLive(billing.subscription) ? `Thank you: the ${TIER_NAMES[billing.subscription.tier]} plan is in force.` : 'Payment received. Waiting for Stripe to confirm it; this page updates by itself.'}</Alert>
      )}
      {checkout === 'canceled' && <Alert>The checkout was canceled: nothing was charged, and the plan is unchanged.</Alert>}
      <SubscriptionStatus billing={billing} portal={portalButton} />
      <Card>
        <CardHeader>
          <CardTitle>{planName} plan</CardTitle>
          <CardDescription>
            {live
              ? `${priceOf(billing.plans.find((p) => p.tier === live.tier)!, live.interval)}, billed every ${live.interval}.${live.current_period_end && !live.cancel_at_period_end ? ` Renews on ${day(live.current_period_end)}.` : ''}`
              : byOperator
                ? "Set by the platform's operator: there is no subscription to pay."
                : 'Free. Choose a paid plan below for more sessions, hours, NPCs and seats.'}
            {limits.overridden.length > 0 && ' The operator set some limits over the plan’s; they are marked.'}
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <PlanUsage billing={billing} />
          {s && portalButton}
          {s && <p className="text-xs text-muted-foreground">In Stripe's billing portal: change the card, cancel the plan, download invoices.</p>}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Change plan</CardTitle>
          <CardDescription>{live ? 'A change takes effect at once and is prorated by Stripe.' : 'A paid plan is paid on Stripe’s checkout page and starts once the payment is confirmed.'}</CardDescription>
        </CardHeader>
        <CardContent>
          <PlanPicker tenantId={tenantId} billing={billing} returnPath={`/teams/${tenantId}/settings/billing`} />
        </CardContent>
      </Card>
      {s && <InvoicesCard tenantId={tenantId} />}
    </>
  );
}

export const route = createLazyRoute(FROM)({ component: BillingScreen });
