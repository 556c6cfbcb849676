import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { getTenantTicket, listTenantTickets, openTicket } from '../../operations/support.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import { OpenTicketSchema, TicketAnswer, TicketListQuerySchema, TicketParamsSchema, TicketsPageAnswer } from './support-schemas.ts';

/** A tenant's requests for help to the operator. */
export const supportTicketRoutes = () =>
  new Hono<AppEnv>()
    .post('/tenants/:id/support-tickets', answers('Open a support ticket', 201, TicketAnswer), input('param', TenantParamsSchema), input('json', OpenTicketSchema), async (c) =>
      c.json({ ticket: await openTicket(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('json')) }, 201),
    )
    .get('/tenants/:id/support-tickets', answers("List the tenant's support tickets, newest first", 200, TicketsPageAnswer), input('param', TenantParamsSchema), input('query', TicketListQuerySchema), async (c) =>
      c.json(await listTenantTickets(httpContext(c), c.var.principal, c.req.valid('param').id, c.req.valid('query'))),
    )
    .get('/tenants/:id/support-tickets/:ticketId', answers('Read a support ticket', 200, TicketAnswer), input('param', TicketParamsSchema), async (c) => {
      const { id, ticketId } = c.req.valid('param');
      return c.json({ ticket: await getTenantTicket(httpContext(c), c.var.principal, id, ticketId) });
    });
