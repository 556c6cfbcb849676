import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { readAuditTrail } from '../../operations/audit-trail.ts';
import { httpContext } from '../../operations/context.ts';
import { answers, input } from './contract.ts';
import { AuditPageAnswer, AuditQuerySchema } from './audit-schemas.ts';

/** Who changed what: owners read their tenant's trail, super admins every tenant's. */
export const auditRoutes = () =>
  new Hono<AppEnv>().get('/audit', answers('Read the audit trail, newest first (secrets redacted)', 200, AuditPageAnswer), input('query', AuditQuerySchema), async (c) =>
    c.json(await readAuditTrail(httpContext(c), c.var.principal, c.req.valid('query'))),
  );
