import { env } from 'cloudflare:workers';
import { auditLog, createDb, tenantProviders, withTenant } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, uniqueTenantId } from './helpers/admin.ts';

describe('a tenant\'s own providers, through the admin API', () => {
  const tenant = uniqueTenantId('prov');
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const llm = { kind: 'anthropic', base_url: 'https://api.anthropic.com', model: 'claude-sonnet-4-5', api_key: 'sk-ant-very-secret', options: { temperature: 0.7 } };

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant });
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant}`);
  });

  it('sets, lists and removes a provider per role; the key is stored sealed and never returned', async () => {
    expect((await admin('GET', `/tenants/${tenant}/providers`)).body).toEqual({ providers: [] });
    const put = await admin('PUT', `/tenants/${tenant}/providers/llm`, llm);
    expect(put.status).toBe(200);
    expect(put.body.provider).toEqual({
      role: 'llm',
      kind: 'anthropic',
      base_url: 'https://api.anthropic.com',
      model: 'claude-sonnet-4-5',
      has_api_key: true,
      options: { temperature: 0.7 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const [row] = await withTenant(db, tenant, (tx) => tx.select().from(tenantProviders).where(eq(tenantProviders.role, 'llm')));
    expect(row!.apiKeyEnc).toMatch(/^k2\./);
    expect(row!.apiKeyEnc).not.toContain('very-secret');

    // Changing the model without resending the key keeps it; null removes it.
    const kept = await admin('PUT', `/tenants/${tenant}/providers/llm`, { kind: 'anthropic', base_url: llm.base_url, model: 'claude-haiku-4-5' });
    expect(kept.body.provider).toMatchObject({ model: 'claude-haiku-4-5', has_api_key: true, options: {} });
    await admin('PUT', `/tenants/${tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'en' });
    const listed = await admin('GET', `/tenants/${tenant}/providers`);
    expect(listed.body.providers.map((p: { role: string; has_api_key: boolean }) => [p.role, p.has_api_key])).toEqual([['llm', true], ['tts', false]]);
    expect(JSON.stringify(listed.body)).not.toContain('secret');
    const cleared = await admin('PUT', `/tenants/${tenant}/providers/llm`, { kind: 'anthropic', base_url: llm.base_url, model: 'claude-haiku-4-5', api_key: null });
    expect(cleared.body.provider.has_api_key).toBe(false);

    expect((await admin('DELETE', `/tenants/${tenant}/providers/tts`)).body).toEqual({ deleted: 'tts' });
    expect((await admin('DELETE', `/tenants/${tenant}/providers/tts`)).status).toBe(404);

    const audit = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(eq(auditLog.target, `${tenant}/llm`)).orderBy(auditLog.id));
    expect(audit[0]).toMatchObject({ actor: 'admin', action: 'provider.put', detail: { fields: ['kind', 'base_url', 'model', 'api_key', 'options'] } });
    expect(JSON.stringify(audit)).not.toContain('secret');
  });

  it('names the offending field in a 400', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['stt', { kind: 'espeak', base_url: 'https://x.test', model: 'm' }, 'kind'],
      ['llm', { kind: 'openai', base_url: 'not a url', model: 'm' }, 'base_url'],
      ['llm', { kind: 'openai', base_url: 'ftp://files.test/v1', model: 'm' }, 'base_url'],
      ['llm', { kind: 'openai', base_url: 'https://api.openai.com/v1', model: '' }, 'model'],
      ['llm', { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'm', api_key: '' }, 'api_key'],
      ['llm', { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'm', colour: 'red' }, 'colour'],
    ];
    for (const [role, body, field] of cases) {
      const res = await admin('PUT', `/tenants/${tenant}/providers/${role}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const badRole = await admin('PUT', `/tenants/${tenant}/providers/vision`, { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'm' });
    expect(badRole.body.error).toMatchObject({ code: 'invalid_request', field: 'role' });
    expect((await admin('PUT', '/tenants/nobody-here/providers/llm', { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'm' })).status).toBe(404);
    expect((await admin('GET', '/tenants/nobody-here/providers')).status).toBe(404);
  });
});
