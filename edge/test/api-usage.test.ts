import { env, exports } from 'cloudflare:workers';
import { createDb, usageDays, usageRecords } from '@glyphoxa/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;

/** The months as the coordinator's ledger leaves them in usage_records. */
const MONTHS = [
  { period: '2026-09', sessionHours: 1.5, llmTokens: 12_000, sttSeconds: 3600.25, ttsChars: 4200, toolCalls: 0 },
  { period: '2026-10', sessionHours: 2.25, llmTokens: 30_500, sttSeconds: 7000, ttsChars: 9100, toolCalls: 42 },
];

/** October's hours as they reached Postgres day by day (usage_days), on two of its days. */
const OCTOBER_DAYS = [
  { day: '2026-10-03', sessionHours: 1.25, llmTokens: 20_000, sttSeconds: 4000, ttsChars: 5100, toolCalls: 30 },
  { day: '2026-10-31', sessionHours: 1, llmTokens: 10_500, sttSeconds: 3000, ttsChars: 4000, toolCalls: 12 },
];
const zeroDay = (period: string) => ({ period, session_hours: 0, llm_tokens: 0, stt_seconds: 0, tts_chars: 0, tool_calls: 0, quota_hours: null, remaining_hours: null });

async function exported(token: string, query: string) {
  return exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/usage/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  // A known quota (the operator sets it), so what remains of it is known.
  expect((await admin('PUT', `/tenants/${tenant}`, { monthly_session_hours: 20 })).status).toBe(200);
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    await db.insert(usageRecords).values(MONTHS.map((m) => ({ tenantId: tenant, ...m })));
    await db.insert(usageDays).values(OCTOBER_DAYS.map((d) => ({ tenantId: tenant, ...d })));
  } finally {
    await close();
  }
});

describe('GET /api/v1/tenants/:id/usage', () => {
  it('answers every member with each month of the range, its four metrics and what remains of the quota', async () => {
    const viewer = await memberOf(tenant, 'viewer');
    const res = await api(viewer.token, 'GET', `/tenants/${tenant}/usage?from=2026-08&to=2026-12`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const quota = 20;
    expect(res.body.quota.monthly_session_hours).toBe(quota);
    expect(res.body).toMatchObject({ tenant_id: tenant, granularity: 'month', anomalies: { refused_usage_messages: 0, usage_set_aside: 0 } });
    expect(res.body.periods).toEqual([
      { period: '2026-09', session_hours: 1.5, llm_tokens: 12_000, stt_seconds: 3600.25, tts_chars: 4200, tool_calls: 0, quota_hours: quota, remaining_hours: quota - 1.5 },
      { period: '2026-10', session_hours: 2.25, llm_tokens: 30_500, stt_seconds: 7000, tts_chars: 9100, tool_calls: 42, quota_hours: quota, remaining_hours: quota - 2.25 },
    ]);
    // One month only: from alone.
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/usage?from=2026-10`)).body.periods.map((p: { period: string }) => p.period)).toEqual(['2026-10']);
  });

  it('answers each day of a month with granularity=day, zeros where nothing was used, the quota left to the month', async () => {
    const viewer = await memberOf(tenant, 'viewer');
    const res = await api(viewer.token, 'GET', `/tenants/${tenant}/usage?granularity=day&from=2026-10`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ granularity: 'day', quota: { monthly_session_hours: 20 } });
    const days = res.body.periods as Array<{ period: string; session_hours: number }>;
    expect(days.map((d) => d.period)).toEqual(Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`));
    expect(days[1]).toEqual(zeroDay('2026-10-02'));
    expect(days[2]).toEqual({ period: '2026-10-03', session_hours: 1.25, llm_tokens: 20_000, stt_seconds: 4000, tts_chars: 5100, tool_calls: 30, quota_hours: null, remaining_hours: null });
    // The days add up to the month.
    expect(days.reduce((sum, d) => sum + d.session_hours, 0)).toBe(MONTHS[1]!.sessionHours);

    // A range of days across months; a month for `to` stands for its last day.
    const across = await api(owner.token, 'GET', `/tenants/${tenant}/usage?granularity=day&from=2026-09-29&to=2026-10-03`);
    expect(across.body.periods.map((d: { period: string; session_hours: number }) => [d.period, d.session_hours])).toEqual([
      ['2026-09-29', 0],
      ['2026-09-30', 0],
      ['2026-10-01', 0],
      ['2026-10-02', 0],
      ['2026-10-03', 1.25],
    ]);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/usage?granularity=day&from=2026-10-31&to=2026-11`)).body.periods).toHaveLength(31);
    // By default: every day of this month.
    const now = new Date();
    const thisMonth = (await api(owner.token, 'GET', `/tenants/${tenant}/usage?granularity=day`)).body.periods;
    expect(thisMonth).toHaveLength(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate());
    expect(thisMonth[0].period).toBe(`${now.toISOString().slice(0, 7)}-01`);
  });

  it('refuses a day where months are asked, a day no calendar has, an unknown granularity and more than a year of days, naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-10-05', 'from'],
      ['from=2026-10&to=2026-10-31', 'to'],
      ['granularity=day&from=2026-02-30', 'from'],
      ['granularity=week', 'granularity'],
      ['granularity=day&from=2025-01-01&to=2026-01-02', 'to'],
      ['granularity=day&from=2026-10-05&to=2026-10-04', 'from'],
    ] as const) {
      const res = await api(owner.token, 'GET', `/tenants/${tenant}/usage?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.field, query).toBe(field);
    }
  });

  it('refuses a malformed or reversed range, naming the field, and hides another tenant', async () => {
    const bad = await api(owner.token, 'GET', `/tenants/${tenant}/usage?from=2026-13`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
    const reversed = await api(owner.token, 'GET', `/tenants/${tenant}/usage?from=2026-10&to=2026-09`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.field).toBe('from');
    const outsider = await signIn();
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/usage`)).status).toBe(404);
    expect((await exported(outsider.token, 'from=2026-09')).status).toBe(404);
    // A key needs read: a sessions-only key is refused, naming the scope.
    const key = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'runner', scopes: ['sessions'] });
    const refused = await api(key.body.api_key.key, 'GET', `/tenants/${tenant}/usage`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('read');
  });
});

describe('GET /api/v1/tenants/:id/usage/export', () => {
  it('is the same months as a CSV attachment', async () => {
    const dm = await memberOf(tenant, 'dm');
    const res = await exported(dm.token, 'from=2026-08&to=2026-12');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="usage-${tenant}-2026-09_2026-10.csv"`);
    const quota = 20;
    expect(await res.text()).toBe(
      [
        'period,session_hours,llm_tokens,stt_seconds,tts_chars,tool_calls,quota_hours,remaining_hours',
        `2026-09,1.5,12000,3600.25,4200,0,${quota},${quota - 1.5}`,
        `2026-10,2.25,30500,7000,9100,42,${quota},${quota - 2.25}`,
        '',
      ].join('\r\n'),
    );
    const empty = await exported(owner.token, 'from=2025-01');
    expect(await empty.text()).toBe('period,session_hours,llm_tokens,stt_seconds,tts_chars,tool_calls,quota_hours,remaining_hours\r\n');
  });

  it('has a line per day with granularity=day, named by the days', async () => {
    const res = await exported(owner.token, 'granularity=day&from=2026-10-02&to=2026-10-03');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="usage-${tenant}-2026-10-02_2026-10-03.csv"`);
    expect(await res.text()).toBe(['period,session_hours,llm_tokens,stt_seconds,tts_chars,tool_calls,quota_hours,remaining_hours', '2026-10-02,0,0,0,0,0,,', '2026-10-03,1.25,20000,4000,5100,30,,', ''].join('\r\n'));
  });

  it('is documented as text/csv', async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const route = paths['/api/v1/tenants/{id}/usage/export'].get;
    expect(Object.keys(route.responses['200'].content)).toEqual(['text/csv']);
    expect(route.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(['granularity', 'from', 'to']);
  });
});
