import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { tenantUsage } from '../../operations/tenants.ts';
import { usageCsv, UsageViewSchema } from '../../views/usage.ts';
import { TenantParamsSchema, UsageQuerySchema } from '../admin-schemas.ts';
import { answers, answersFile, input } from './contract.ts';

/** A tenant's usage per month or day against its quota, over operations/tenants.ts as the admin API's is; and as CSV. */
export function usageRoutes() {
  return new Hono<AppEnv>()
    .get(
      '/tenants/:id/usage',
      answers('Usage per UTC month (from..to, YYYY-MM; default this month) or, with granularity=day, per UTC day (YYYY-MM-DD, or whole months): session hours, LLM tokens, STT seconds, TTS characters, against the quota', 200, UsageViewSchema),
      input('param', TenantParamsSchema),
      input('query', UsageQuerySchema),
      async (c) => c.json(await tenantUsage(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('query'))),
    )
    .get('/tenants/:id/usage/export', answersFile('The same usage as a CSV file, one line per month or day', 'text/csv'), input('param', TenantParamsSchema), input('query', UsageQuerySchema), async (c) => {
      const { id } = c.req.valid('param');
      const usage = await tenantUsage(httpContext(c), c.var.principal, id, c.req.valid('query'));
      const span = usage.periods.length ? `${usage.periods[0]!.period}_${usage.periods.at(-1)!.period}` : 'none';
      return c.body(usageCsv(usage), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="usage-${id}-${span}.csv"` });
    });
}
