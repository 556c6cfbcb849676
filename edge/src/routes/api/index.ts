import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditRoutes } from './audit.ts';
import { billingRoutes } from './billing.ts';
import { campaignArchiveRoutes } from './campaign-archive.ts';
import { campaignRoutes } from './campaigns.ts';
import { discordGuildRoutes } from './discord-guilds.ts';
import { knowledgeRoutes } from './knowledge.ts';
import { meRoutes } from './me.ts';
import { platformRoutes } from './platform.ts';
import { providerRoutes } from './providers.ts';
import { sessionRoutes } from './sessions.ts';
import { supportTicketRoutes } from './support-tickets.ts';
import { tenantRoutes } from './tenants.ts';
import { usageRoutes } from './usage.ts';
import { voiceSampleRoutes } from './voice-samples.ts';

/** The dashboard's API under /api/v1, chained so its type is what the SPA's client is built from (Hono RPC). */
export const apiV1Routes = () =>
  new Hono<AppEnv>()
    .route('/', meRoutes())
    .route('/', tenantRoutes())
    .route('/', campaignArchiveRoutes())
    .route('/', campaignRoutes())
    .route('/', knowledgeRoutes())
    .route('/', sessionRoutes())
    .route('/', discordGuildRoutes())
    .route('/', apiKeyRoutes())
    .route('/', providerRoutes())
    .route('/', usageRoutes())
    .route('/', voiceSampleRoutes())
    .route('/', supportTicketRoutes())
    .route('/', auditRoutes())
    .route('/', billingRoutes())
    .route('/', platformRoutes());
export type ApiV1 = ReturnType<typeof apiV1Routes>;
