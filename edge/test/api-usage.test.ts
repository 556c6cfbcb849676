import { env, exports } from 'cloudflare:workers';
import { createDb, usageRecords } from '@glyphoxa/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;

/** The months as the coordinator's ledger leaves them in usage_records. */
const MONTHS = [
  { period: '2026-09', sessionHours: 1.5, llmTokens: 12_000, sttSeconds: 3600.25, ttsChars: 4200 },
  { period: '2026-10', sessionHours: 2.25, llmTokens: 30_500, sttSeconds: 7000, ttsChars: 9100 },
];

async function exported(token: string, query: string) {
  return exports.default.fetch(`http://edge.test/api/v1/tenants/${tenant}/usage/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    await db.insert(usageRecords).values(MONTHS.map((m) => ({ tenantId: tenant, ...m })));
  } finally {
    await close();
  }
});

describe('GET /api/v1/tenants/:id/usage', () => {
  it('answers every member with each month of the range, its four metrics and what remains of the quota', async () => {
    const viewer = await memberOf(tenant, 'viewer');
    const res = await api(viewer.token, 'GET', `/tenants/${tenant}/usage?from=2026-08&to=2026-12`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const quota = res.body.quota.monthly_session_hours;
    expect(typeof quota).toBe('number');
    expect(res.body).toMatchObject({ tenant_id: tenant, anomalies: { refused_usage_messages: 0, usage_set_aside: 0 } });
    expect(res.body.periods).toEqual([
      { period: '2026-09', session_hours: 1.5, llm_tokens: 12_000, stt_seconds: 3600.25, tts_chars: 4200, quota_hours: quota, remaining_hours: quota - 1.5 },
      { period: '2026-10', session_hours: 2.25, llm_tokens: 30_500, stt_seconds: 7000, tts_chars: 9100, quota_hours: quota, remaining_hours: quota - 2.25 },
    ]);
    // One month only: from alone.
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/usage?from=2026-10`)).body.periods.map((p: { period: string }) => p.period)).toEqual(['2026-10']);
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
    const quota = (await api(owner.token, 'GET', `/tenants/${tenant}/usage`)).body.quota.monthly_session_hours;
    expect(await res.text()).toBe(
      [
        'period,session_hours,llm_tokens,stt_seconds,tts_chars,quota_hours,remaining_hours',
        `2026-09,1.5,12000,3600.25,4200,${quota},${quota - 1.5}`,
        `2026-10,2.25,30500,7000,9100,${quota},${quota - 2.25}`,
        '',
      ].join('\r\n'),
    );
    const empty = await exported(owner.token, 'from=2025-01');
    expect(await empty.text()).toBe('period,session_hours,llm_tokens,stt_seconds,tts_chars,quota_hours,remaining_hours\r\n');
  });

  it('is documented as text/csv', async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const route = paths['/api/v1/tenants/{id}/usage/export'].get;
    expect(Object.keys(route.responses['200'].content)).toEqual(['text/csv']);
    expect(route.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(['from', 'to']);
  });
});
