import { billingInterval } from '@glyphoxa/db';
import * as v from 'valibot';
import { PAID_TIERS } from '../../billing/stripe-config.ts';
import { BillingViewSchema, InvoiceViewSchema, SubscriptionViewSchema } from '../../views/billing.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/** The /api/v1/billing routes' queries, bodies and answers. */

/** Whose billing: the tenant is named in the query, as on /api/v1/audit. */
export const BillingQuerySchema = v.strictObject({ tenant_id: TenantIdSchema });

/** A path of the dashboard to come back to from Stripe's pages. */
const ReturnPath = v.pipe(v.string(), v.maxLength(300), v.regex(/^\/(?!\/)[\w\-./?=&%]*$/, 'must be a path of this site, such as /teams/my-team/settings/billing'));

export const ChangePlanSchema = v.strictObject({
  /** Apprentice is free: to return to it, cancel in the billing portal. */
  tier: v.picklist(PAID_TIERS, `must be one of ${PAID_TIERS.join(', ')} (to return to apprentice, cancel in the billing portal)`),
  interval: v.picklist(billingInterval.enumValues),
  return_path: v.optional(ReturnPath),
});

export const PortalSchema = v.strictObject({ return_path: v.optional(ReturnPath) });

export const InvoicesQuerySchema = v.strictObject({
  tenant_id: TenantIdSchema,
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100)), '24'),
});

export const BillingAnswer = BillingViewSchema;
export const PlanChangeAnswer = v.variant('action', [
  v.object({ action: v.literal('checkout'), checkout_url: v.string() }),
  v.object({ action: v.literal('changed'), subscription: SubscriptionViewSchema }),
]);
export const PortalAnswer = v.object({ url: v.string() });
export const InvoicesAnswer = v.object({ invoices: v.array(InvoiceViewSchema) });
