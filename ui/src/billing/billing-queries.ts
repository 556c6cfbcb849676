import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A team's plan through Stripe, read and changed through the typed client (edge/src/routes/api/billing.ts). */

const billing = api.billing;
export type Billing = InferResponseType<typeof billing.subscription.$get, 200>;
export type Plan = Billing['plans'][number];
export type Tier = Plan['tier'];
export type Subscription = NonNullable<Billing['subscription']>;
export type Interval = Subscription['interval'];
export type PaidTier = InferRequestType<typeof billing.subscription.$post>['json']['tier'];
export type Invoice = InferResponseType<typeof billing.invoices.$get, 200>['invoices'][number];

export const billingKeys = {
  all: (tenantId: string) => ['tenants', tenantId, 'billing'] as const,
  invoices: (tenantId: string) => ['tenants', tenantId, 'billing', 'invoices'] as const,
};

/** The subscription, the limits in force, this month's usage against them and the catalogue. */
export const billingQuery = (tenantId: string) =>
  queryOptions({
    queryKey: billingKeys.all(tenantId),
    queryFn: async (): Promise<Billing> => (await billing.subscription.$get({ query: { tenant_id: tenantId } })).json(),
  });

export const invoicesQuery = (tenantId: string) =>
  queryOptions({
    queryKey: billingKeys.invoices(tenantId),
    queryFn: async (): Promise<Invoice[]> => (await (await billing.invoices.$get({ query: { tenant_id: tenantId } })).json()).invoices,
  });

/** Chooses a paid plan: Stripe's Checkout to pay on (no subscription yet) or the subscription changed with proration. */
export async function choosePlan(tenantId: string, plan: { tier: PaidTier; interval: Interval }, returnPath: string) {
  return (await billing.subscription.$post({ query: { tenant_id: tenantId }, json: { ...plan, return_path: returnPath } })).json();
}

/** Stripe's billing portal for the team (card, cancel, invoices), coming back to `returnPath`. */
export async function portalUrl(tenantId: string, returnPath: string): Promise<string> {
  return (await (await billing.portal.$post({ query: { tenant_id: tenantId }, json: { return_path: returnPath } })).json()).url;
}
