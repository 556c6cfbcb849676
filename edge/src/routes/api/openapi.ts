import type { Hono } from 'hono';
import { openAPIRouteHandler } from 'hono-openapi';
import type { AppEnv } from '../../env.ts';

/** GET /api/v1/openapi.json: the /api/v1 contract, generated from the routes' declared schemas (built once an isolate). */
export function openApiDocument(app: Hono<AppEnv>) {
  return openAPIRouteHandler(app, {
    documentation: {
      info: { title: 'Glyphoxa Edge API', version: '1', description: 'The self-service web API (/api/v1). Errors: {"error": {"code", "message", "field"?}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token (POST /auth/local, /auth/refresh) or an API key' } } },
    },
  });
}
