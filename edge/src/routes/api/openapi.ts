import type { Context, Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { AppEnv } from '../../env.ts';
import { unnestedPaths } from './unnested-campaigns.ts';

const OPTIONS = {
  documentation: {
    info: { title: 'Glyphoxa Edge API', version: '1', description: 'The self-service web API (/api/v1). Errors: {"error": {"code", "message", "field"?}}.' },
    components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer', description: 'An access token (POST /auth/local, /auth/refresh) or an API key' } } },
  },
};

/** GET /api/v1/openapi.json: the /api/v1 contract, generated from the routes' declared schemas (built once an isolate). */
export function openApiDocument(app: Hono<AppEnv>) {
  let document: Awaited<ReturnType<typeof generateSpecs>> | undefined;
  return async (c: Context<AppEnv>) => {
    document ??= await generateSpecs(app, OPTIONS, c).then((specs) => ({ ...specs, paths: unnestedPaths(specs.paths ?? {}) }));
    return c.json(document);
  };
}
