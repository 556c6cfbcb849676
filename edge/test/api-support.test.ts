import { env } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, memberOf, signIn, type Person, matrixPeople, WHO, type Who } from './helpers/web-api.ts';


let owner: Person;
let tenant: string;
let people: Record<Who, string>;
let ticketId: string;

const open = (token: string, t = tenant, body: unknown = { subject: 'Grimjaw will not speak', body: 'The session starts but no voice is heard.' }) => api(token, 'POST', `/tenants/${t}/support-tickets`, body);

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  people = await matrixPeople(owner);
  ticketId = (await open(owner.token)).body.ticket.id;
});

const ROUTES: Record<string, { call: (token: string) => Promise<{ status: number; body: any }>; ok: number }> = {
  'POST /tenants/:id/support-tickets': { call: (t) => open(t), ok: 201 },
  'GET /tenants/:id/support-tickets': { call: (t) => api(t, 'GET', `/tenants/${tenant}/support-tickets`), ok: 200 },
  'GET /tenants/:id/support-tickets/:ticketId': { call: (t) => api(t, 'GET', `/tenants/${tenant}/support-tickets/${ticketId}`), ok: 200 },
};

describe('support tickets, every cell of the roles matrix', () => {
  // Every member may ask for help and read the tenant's tickets; nobody else sees they exist.
  for (const [route, { call, ok }] of Object.entries(ROUTES)) {
    for (const who of WHO) {
      const expected = who === 'outsider' ? 404 : ok;
      it(`${route} as ${who}: ${expected}`, async () => {
        const res = await call(people[who]);
        expect(res.status, JSON.stringify(res.body)).toBe(expected);
        if (expected === 404) expect(res.body.error.code).toBe('tenant_not_found');
      });
    }
  }
});

describe('support tickets', () => {
  it('opens a ticket naming who opened it, audited as the principal without the words it holds', async () => {
    const dm = await memberOf(tenant, 'dm');
    const res = await open(dm.token, tenant, { subject: '  Quota question ', body: 'How many hours are left this month?' });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toEqual({
      id: expect.any(String),
      tenant_id: tenant,
      subject: 'Quota question',
      body: 'How many hours are left this month?',
      status: 'open',
      opened_by: dm.id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/support-tickets/${res.body.ticket.id}`)).body.ticket).toEqual(res.body.ticket);
    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const rows = await db.select().from(auditLog).where(eq(auditLog.target, res.body.ticket.id));
      expect(rows.map((r) => [r.actor, r.action, r.tenantId])).toEqual([[`user:${dm.id}`, 'support.open', tenant]]);
      expect(JSON.stringify(rows[0])).not.toContain('hours are left');
    } finally {
      await close();
    }
  });

  it('lists newest first, filtered by status and paged by next_before', async () => {
    const mine = await signIn();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await open(mine.token, mine.tenant, { subject: `Ticket ${i}`, body: 'help' })).body.ticket.id);
    const first = await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?limit=2`);
    expect(first.body.tickets.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.next_before).toBe(ids[3]);
    const second = await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?limit=2&before=${first.body.next_before}`);
    expect(second.body.tickets.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const last = await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?limit=2&before=${second.body.next_before}`);
    expect(last.body).toEqual({ tickets: [expect.objectContaining({ id: ids[0] })], next_before: null });
    expect((await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?status=open`)).body.tickets).toHaveLength(5);
    expect((await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?status=closed`)).body.tickets).toEqual([]);
  });

  it("answers 404 for another tenant's ticket, through either tenant", async () => {
    const other = await signIn();
    const theirs = (await open(other.token, other.tenant)).body.ticket.id;
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/support-tickets/${theirs}`)).body.error.code).toBe('ticket_not_found');
    expect((await api(owner.token, 'GET', `/tenants/${other.tenant}/support-tickets/${theirs}`)).body.error.code).toBe('tenant_not_found');
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/support-tickets`)).body.tickets.map((t: { id: string }) => t.id)).not.toContain(theirs);
  });

  it('needs the write scope to open one from an API key, read to list', async () => {
    const reader = (await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'reader', scopes: ['read'] })).body.api_key.key;
    expect((await open(reader)).body.error.message).toContain('lacks the write scope');
    expect((await api(reader, 'GET', `/tenants/${tenant}/support-tickets`)).status).toBe(200);
  });

  it('refuses bad bodies and queries naming the field, and stores nothing', async () => {
    const mine = await signIn();
    for (const [body, field] of [
      [{ subject: '', body: 'x' }, 'subject'],
      [{ subject: 'x'.repeat(201), body: 'x' }, 'subject'],
      [{ subject: 'x', body: '   ' }, 'body'],
      [{ subject: 'x', body: 'x'.repeat(10_001) }, 'body'],
      [{ body: 'x' }, 'subject'],
      [{ subject: 'x', body: 'x', status: 'closed' }, 'status'],
    ] as const) {
      const res = await open(mine.token, mine.tenant, body);
      expect([JSON.stringify(body).slice(0, 60), res.status, res.body.error.field]).toEqual([JSON.stringify(body).slice(0, 60), 400, field]);
    }
    for (const [query, field] of [
      ['status=pending', 'status'],
      ['limit=0', 'limit'],
      ['before=nope', 'before'],
      ['sort=asc', 'sort'],
    ] as const) {
      const res = await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets?${query}`);
      expect([query, res.status, res.body.error.field]).toEqual([query, 400, field]);
    }
    expect((await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets/not-a-uuid`)).body.error.field).toBe('ticketId');
    expect((await api(mine.token, 'GET', `/tenants/${mine.tenant}/support-tickets`)).body.tickets).toEqual([]);
  });
});
