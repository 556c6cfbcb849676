import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { OPENAPI_VALIDATOR_HOST } from './openapi-validator.ts';

async function openApiDocument() {
  const res = await exports.default.fetch('http://edge.test/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, as a maintained validator judges it', async () => {
    const document = await openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    const verdict = (await (await fetch(`http://${OPENAPI_VALIDATOR_HOST}/validate`, { method: 'POST', body: JSON.stringify(document) })).json()) as any;
    expect(verdict).toEqual({ valid: true });
  });

  it('documents every route the app serves under /api/v1, each with its answer', async () => {
    const { paths } = await openApiDocument();
    // The Hono app's own route table (`use` middleware registers as ALL); the document does not describe itself.
    const served = createApp()
      .routes.filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL' && r.path !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => {
        // A WebSocket route's success is its 101.
        expect(Object.keys(operation.responses).filter((status) => status.startsWith('2') || status === '101'), `${method} ${path}`).toHaveLength(1);
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    expect(served.length).toBeGreaterThan(20);
    // The un-nested campaign paths are the nested routes served again (unnested-campaigns.ts): each has its nested twin.
    const unnested = (route: string) => / \/api\/v1\/campaigns\//.test(route);
    expect([...new Set(documented.filter((r) => !unnested(r)))].sort()).toEqual([...new Set(served.filter((r) => !unnested(r)))].sort());
    const twin = (route: string) =>
      route.endsWith(' /api/v1/campaigns/import')
        ? route.replace('/api/v1/campaigns/', '/api/v1/tenants/{id}/campaigns/')
        : route.replace(/\/api\/v1\/campaigns\/\{campaignId\}\/(entities|relationships|lore)\/\{/, '/api/v1/tenants/{id}/$1/{').replace('/api/v1/campaigns/', '/api/v1/tenants/{id}/campaigns/');
    expect(documented.filter(unnested).filter((r) => !served.includes(twin(r)))).toEqual([]);
  });

  it('lists the campaign knowledge, export and import again without the tenant in the path', async () => {
    const { paths } = await openApiDocument();
    for (const path of ['entities', 'entities/{entityId}', 'entities/{entityId}/neighbourhood', 'relationships', 'relationships/{relationshipId}', 'search', 'memory', 'lore', 'export']) {
      const item = paths[`/api/v1/campaigns/{campaignId}/${path}`];
      expect(item, path).toBeDefined();
      for (const operation of Object.values(item) as any[]) expect(operation.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name), path).toEqual(['campaignId', ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])]);
    }
    expect(paths['/api/v1/campaigns/import'].post.parameters.map((p: any) => [p.in, p.name])).toEqual([['query', 'tenant_id']]);
  });

  it('shows the tenant, member and account answers from the views that fill them', async () => {
    const { paths } = await openApiDocument();
    const me = paths['/api/v1/me'].get.responses['200'].content['application/json'].schema;
    expect(me.properties.memberships.items.properties.role.enum).toEqual(['tenant_owner', 'dm', 'viewer']);
    const tenant = paths['/api/v1/tenants/{id}'].get.responses['200'].content['application/json'].schema.properties.tenant;
    expect(tenant.required).toEqual(expect.arrayContaining(['has_bot_token', 'guild_ids', 'limits']));
    expect(tenant.properties).not.toHaveProperty('bot_token');
    const invite = paths['/api/v1/tenants/{id}/users'].post;
    expect(invite.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(Object.keys(invite.requestBody.content['application/json'].schema.properties).sort()).toEqual(['discord_id', 'email', 'role']);
    expect(invite.responses['201'].content['application/json'].schema.properties.invite.required).toEqual(expect.arrayContaining(['id', 'role', 'created_at']));
    const change = paths['/api/v1/tenants/{id}/users/{userId}'].put;
    expect(change.parameters.map((p: any) => [p.in, p.name])).toEqual([
      ['path', 'id'],
      ['path', 'userId'],
    ]);
  });

  it("describes the routes from the schemas they validate with: a body's fields, its bounds, unknown fields refused, the answer", async () => {
    const { paths } = await openApiDocument();
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/tenants/{id}/campaigns', '/api/v1/tenants/{id}/campaigns/{campaignId}/npcs', '/api/v1/tenants/{id}/npcs/{npcId}', '/api/v1/tenants/{id}/sessions/{sessionId}/transcript', '/api/v1/tenants/{id}/sessions/active']));
    const list = paths['/api/v1/tenants/{id}/sessions'].get;
    expect(list.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name)).toEqual(['campaign_id', 'state', 'from', 'to', 'before', 'limit']);
    const create = paths['/api/v1/tenants/{id}/campaigns/{campaignId}/npcs'].post;
    expect(create.parameters.map((p: any) => [p.in, p.name, p.required])).toEqual([
      ['path', 'id', true],
      ['path', 'campaignId', true],
    ]);
    const body = create.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(['name', 'voice']);
    expect(body.properties.voice.additionalProperties).toBe(false);
    expect(body.properties.voice.properties.pitch).toMatchObject({ minimum: -10, maximum: 10 });
    expect(body.properties.voice.properties.speed).toMatchObject({ minimum: 0.5, maximum: 2 });
    expect(body.properties.budget_tier.enum).toEqual(['fast', 'standard', 'deep']);
    const answer = create.responses['201'].content['application/json'].schema;
    expect(answer.properties.npc.required).toEqual(expect.arrayContaining(['secret_knowledge', 'muted_by_default', 'voice']));
  });
});

describe('GET /api/docs', () => {
  it('serves the interactive API docs (Scalar) over the generated document', async () => {
    const res = await exports.default.fetch('http://edge.test/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).toMatch(/Scalar\.createApiReference|@scalar\/api-reference/);
  });
});
