import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { notFound, onError } from './errors.ts';
import { authenticate } from './middleware/authenticate.ts';
import { operatorOnly } from './middleware/operator-only.ts';
import { API_RATE_LIMIT, AUTH_RATE_LIMIT, rateLimit } from './middleware/rate-limit.ts';
import { tenantMember, tenantMemberByQuery } from './middleware/tenant-member.ts';
import { requestContext } from './middleware/request-context.ts';
import { adminNodeRoutes } from './routes/admin-nodes.ts';
import { adminProviderRoutes } from './routes/admin-providers.ts';
import { adminSessionRoutes } from './routes/admin-sessions.ts';
import { adminTenantRoutes } from './routes/admin-tenants.ts';
import { apiDocs } from './routes/api/api-docs.ts';
import { apiV1Routes } from './routes/api/index.ts';
import { openApiDocument } from './routes/api/openapi.ts';
import { unnestedCampaignRoutes } from './routes/api/unnested-campaigns.ts';
import { authRoutes } from './routes/auth.ts';
import { discordRoutes } from './routes/discord.ts';
import { healthRoutes } from './routes/health.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { stripeWebhookRoutes } from './routes/stripe-webhook.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { serveSignedSample } from './voice-samples/signed-url.ts';

/** The Worker's HTTP surface: one route group a module, errors in one shape. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestContext);
  app.route('/', healthRoutes());
  app.route('/nodes', nodeRoutes());
  app.route('/mcp', mcpRoutes());
  app.route('/discord', discordRoutes());
  app.use('/auth/*', rateLimit(AUTH_RATE_LIMIT));
  app.route('/auth', authRoutes());
  // Per route group, not /api/v1/*: an unknown route is a 404 for anyone, not a 401.
  app.use('/api/v1/me', authenticate);
  app.use('/api/v1/tenants', authenticate);
  app.use('/api/v1/audit', authenticate, tenantMemberByQuery);
  // Stripe signs its webhook (no bearer), and is not rate limited like a person: before both.
  app.route('/api/v1', stripeWebhookRoutes());
  app.use('/api/v1/billing/*', authenticate, tenantMemberByQuery);
  app.use('/api/v1/admin/*', authenticate);
  // `/:id/*` covers `/:id` itself too.
  app.use('/api/v1/tenants/:id/*', authenticate);
  // The /api/v1 routes, a tenant's behind the membership check; the un-nested campaign paths are handed to them too.
  const api = new Hono<AppEnv>().use('/api/v1/tenants/:id/*', tenantMember).route('/api/v1', apiV1Routes());
  // Counted here (a refused lookup too), then handed on to `api` past the limit, verified and connected once.
  app.use('/api/v1/campaigns/*', authenticate, rateLimit(API_RATE_LIMIT));
  app.route('/api/v1', unnestedCampaignRoutes(api));
  // After the groups' `authenticate`, so a user or key is counted as itself.
  app.use('/api/*', rateLimit(API_RATE_LIMIT));
  app.route('/', api);
  app.get('/api/v1/openapi.json', openApiDocument(app));
  app.get('/api/docs', apiDocs());
  // Signed, time-limited sample URLs (an <audio> element sends no token): the signature is the authorization.
  app.on(['GET', 'HEAD'], '/media/*', (c) => serveSignedSample(c.req.raw, c.env));
  app.use('/admin/*', authenticate, operatorOnly);
  app.route('/admin', adminTenantRoutes());
  app.route('/admin', adminNodeRoutes());
  app.route('/admin', adminSessionRoutes());
  app.route('/admin', adminProviderRoutes());
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
