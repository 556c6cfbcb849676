import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { changePlan, listTenantInvoices, openPortal, readBilling } from '../../operations/billing.ts';
import { httpContext } from '../../operations/context.ts';
import { answers, input } from './contract.ts';
import { BillingAnswer, BillingQuerySchema, ChangePlanSchema, InvoicesAnswer, InvoicesQuerySchema, PlanChangeAnswer, PortalAnswer, PortalSchema } from './billing-schemas.ts';

/** Where Stripe's pages send the owner back: the dashboard's own address. */
const originOf = (c: { env: AppEnv['Bindings']; req: { url: string } }) => c.env.PUBLIC_BASE_URL ?? new URL(c.req.url).origin;

/** A tenant's plan through Stripe: owners and super admins only. */
export const billingRoutes = () =>
  new Hono<AppEnv>()
    .get('/billing/subscription', answers("Read the tenant's subscription, the limits it works under and the plans", 200, BillingAnswer), input('query', BillingQuerySchema), async (c) =>
      c.json(await readBilling(httpContext(c), c.var.principal, c.req.valid('query').tenant_id)),
    )
    .post(
      '/billing/subscription',
      answers('Choose a plan: a Checkout page to pay on, or the subscription changed with proration', 200, PlanChangeAnswer),
      input('query', BillingQuerySchema),
      input('json', ChangePlanSchema),
      async (c) => {
        const { tier, interval, return_path } = c.req.valid('json');
        return c.json(await changePlan(httpContext(c), c.var.principal, c.req.valid('query').tenant_id, { tier, interval }, { origin: originOf(c), path: return_path }));
      },
    )
    .post('/billing/portal', answers("Open Stripe's billing portal for the tenant", 200, PortalAnswer), input('query', BillingQuerySchema), input('json', PortalSchema), async (c) =>
      c.json(await openPortal(httpContext(c), c.var.principal, c.req.valid('query').tenant_id, { origin: originOf(c), path: c.req.valid('json').return_path })),
    )
    .get('/billing/invoices', answers("List the tenant's invoices, newest first, with their hosted links", 200, InvoicesAnswer), input('query', InvoicesQuerySchema), async (c) => {
      const { tenant_id, limit } = c.req.valid('query');
      return c.json(await listTenantInvoices(httpContext(c), c.var.principal, tenant_id, { limit }));
    });
