import { env, exports } from 'cloudflare:workers';
import { auditLog, createDb, tenantProviders, withTenant } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;
const SECRET = 'sk-ant-very-secret-key';
const llm = { kind: 'anthropic', base_url: 'https://api.anthropic.com', model: 'claude-sonnet-4-5', api_key: SECRET, options: { temperature: 0.7 } };

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
});

describe("/api/v1/tenants/:id/providers, the tenant's own providers", () => {
  it('lets an owner set, list and remove a slot; the key is stored sealed, never shown, and the audit names the user', async () => {
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/providers`)).body).toEqual({ providers: [] });
    const put = await api(owner.token, 'PUT', `/tenants/${tenant}/providers/llm`, llm);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.provider).toMatchObject({ role: 'llm', kind: 'anthropic', model: 'claude-sonnet-4-5', has_api_key: true, options: { temperature: 0.7 } });

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const [row] = await withTenant(db, tenant, (tx) => tx.select().from(tenantProviders).where(eq(tenantProviders.role, 'llm')));
      expect(row!.apiKeyEnc).not.toContain(SECRET);

      // Omitting the key keeps it.
      const kept = await api(owner.token, 'PUT', `/tenants/${tenant}/providers/llm`, { kind: 'anthropic', base_url: llm.base_url, model: 'claude-haiku-4-5' });
      expect(kept.body.provider).toMatchObject({ model: 'claude-haiku-4-5', has_api_key: true });
      const listed = await api(owner.token, 'GET', `/tenants/${tenant}/providers`);
      expect(listed.body.providers.map((p: { role: string; model: string }) => [p.role, p.model])).toEqual([['llm', 'claude-haiku-4-5']]);
      expect(JSON.stringify(listed.body)).not.toContain('secret');

      expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/providers/llm`)).body).toEqual({ deleted: 'llm' });
      expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/providers/llm`)).body.error.code).toBe('provider_not_found');

      const trail = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, `${tenant}/llm`))).orderBy(auditLog.id));
      expect(trail.map((r) => [r.actor, r.action])).toEqual([
        [`user:${owner.id}`, 'provider.put'],
        [`user:${owner.id}`, 'provider.put'],
        [`user:${owner.id}`, 'provider.delete'],
      ]);
      expect(JSON.stringify(trail)).not.toContain('secret');
    } finally {
      await close();
    }
  });

  it("validates the body against the slot in the path, naming the field", async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['stt', { kind: 'espeak', base_url: 'https://x.test', model: 'm' }, 'kind'],
      ['llm', { kind: 'openai', base_url: 'ftp://files.test/v1', model: 'm' }, 'base_url'],
      ['llm', { kind: 'openai', base_url: 'https://api.openai.com/v1', model: 'm', colour: 'red' }, 'colour'],
    ];
    for (const [role, body, field] of cases) {
      const res = await api(owner.token, 'PUT', `/tenants/${tenant}/providers/${role}`, body);
      expect(res.status, `${role} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    const slot = await api(owner.token, 'PUT', `/tenants/${tenant}/providers/s2s`, { kind: 'openai', base_url: 'https://x.test', model: 'm' });
    expect(slot.status).toBe(400);
    expect(slot.body.error.field).toBe('role');
  });

  it('lets every member list, only owners change, and hides another tenant as missing', async () => {
    await api(owner.token, 'PUT', `/tenants/${tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'en' });
    const tts = { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'de' };
    for (const role of ['dm', 'viewer'] as const) {
      const member = await memberOf(tenant, role);
      expect((await api(member.token, 'GET', `/tenants/${tenant}/providers`)).body.providers.map((p: { role: string }) => p.role)).toEqual(['tts']);
      expect((await api(member.token, 'PUT', `/tenants/${tenant}/providers/tts`, tts)).status, role).toBe(403);
      expect((await api(member.token, 'DELETE', `/tenants/${tenant}/providers/tts`)).status, role).toBe(403);
    }
    const outsider = await signIn();
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/providers`)).status).toBe(404);
    expect((await api(outsider.token, 'PUT', `/tenants/${tenant}/providers/tts`, tts)).status).toBe(404);

    // A key acts with at most its scopes: read lists, only write changes.
    const reader = await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'reader', scopes: ['read'] });
    expect((await api(reader.body.api_key.key, 'GET', `/tenants/${tenant}/providers`)).status).toBe(200);
    const refused = await api(reader.body.api_key.key, 'PUT', `/tenants/${tenant}/providers/tts`, tts);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('write');
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/providers`)).body.providers[0].model).toBe('en');
  });
});

describe('the providers in the OpenAPI document', () => {
  it("documents PUT's body as any slot's, each refusing unknown fields", async () => {
    const { paths } = (await (await exports.default.fetch('http://edge.test/api/v1/openapi.json')).json()) as any;
    const put = paths['/api/v1/tenants/{id}/providers/{role}'].put;
    const bodies = put.requestBody.content['application/json'].schema.anyOf;
    expect(bodies.map((b: any) => b.properties.kind.enum)).toEqual([expect.arrayContaining(['anthropic']), expect.arrayContaining(['deepgram']), expect.arrayContaining(['espeak']), ['openai']]);
    expect(bodies.every((b: any) => b.additionalProperties === false)).toBe(true);
    expect(put.responses['200'].content['application/json'].schema.properties.provider.properties).not.toHaveProperty('api_key');
  });
});
