import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
import * as v from 'valibot';
import { queryClient } from './api/query-client.ts';
import { NotFound } from './components/states/not-found.tsx';
import { PageLoading } from './components/states/page-loading.tsx';
import { RouteError } from './components/states/route-error.tsx';

/**
 * The route tree. Every screen is its own chunk (`.lazy`), so the first load carries
 * only the router, this file and the screen it lands on; search params are declared
 * with valibot here, so links and screens read them typed.
 */

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
  pendingComponent: PageLoading,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: v.object({
    /** Where to go once signed in: a path on this site only. */
    redirect: v.optional(v.pipe(v.string(), v.regex(/^\/(?!\/)/))),
    /** Why the provider sent the user back (the edge's error code). */
    error: v.optional(v.string()),
  }),
}).lazy(() => import('./routes/sign-in.tsx').then((m) => m.route));

const joinRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/join/$sessionId',
}).lazy(() => import('./routes/join.tsx').then((m) => m.route));

/**
 * Every screen of a signed-in user: a token in memory or, after a reload, one renewed through the
 * refresh cookie. Its code is imported here on demand, keeping the entry chunk to what every screen needs.
 */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ location }) => {
    const { currentAccessToken } = await import('./api/access-token.ts');
    if (!(await currentAccessToken())) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
  },
  loader: async ({ context }) => context.queryClient.ensureQueryData((await import('./account/me-query.ts')).meQuery),
}).lazy(() => import('./routes/signed-in.tsx').then((m) => m.route));

const homeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
}).lazy(() => import('./routes/home.tsx').then((m) => m.route));

/** A new DM's setup; the edge sends a first OAuth sign-in here (ONBOARDING_PATH). */
const onboardingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/onboarding',
  validateSearch: v.object({
    /** How Stripe's checkout of the plan step ended, as it sends the DM back. */
    checkout: v.optional(v.picklist(['complete', 'canceled'])),
  }),
}).lazy(() => import('./routes/onboarding.tsx').then((m) => m.route));

const campaignsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/campaigns',
}).lazy(() => import('./routes/campaigns.tsx').then((m) => m.route));

const campaignRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/campaigns/$campaignId',
}).lazy(() => import('./routes/campaign.tsx').then((m) => m.route));

const knowledgeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/campaigns/$campaignId/knowledge',
}).lazy(() => import('./routes/knowledge.tsx').then((m) => m.route));

const newNpcRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/campaigns/$campaignId/npcs/new',
}).lazy(() => import('./routes/npc-new.tsx').then((m) => m.route));

const npcRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/npcs/$npcId',
}).lazy(() => import('./routes/npc.tsx').then((m) => m.route));

const sessionsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/sessions',
  validateSearch: v.object({
    /** The session whose transcript is shown. */
    session: v.optional(v.pipe(v.string(), v.uuid())),
    /** The history narrowed: by state, campaign, and days it started on (UTC, inclusive). */
    state: v.optional(v.picklist(['pending', 'active', 'ended'])),
    campaign: v.optional(v.pipe(v.string(), v.uuid())),
    from: v.optional(v.pipe(v.string(), v.isoDate())),
    to: v.optional(v.pipe(v.string(), v.isoDate())),
  }),
}).lazy(() => import('./routes/sessions.tsx').then((m) => m.route));

/** The team's usage a day at a time in one UTC month (default: this one), against its quota. */
const usageRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/usage',
  validateSearch: v.object({
    month: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/))),
  }),
}).lazy(() => import('./routes/usage.tsx').then((m) => m.route));

/** The team's plan, limits and Discord bot (owners). */
const tenantSettingsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings',
}).lazy(() => import('./routes/tenant-settings.tsx').then((m) => m.route));

/** The team's plan through Stripe (owners and super admins; hidden where billing is off). */
const billingRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/billing',
  validateSearch: v.object({
    /** How Stripe's checkout ended, as it sends the owner back. */
    checkout: v.optional(v.picklist(['complete', 'canceled'])),
  }),
}).lazy(() => import('./routes/billing.tsx').then((m) => m.route));

/** The team's members and invites (everyone reads; owners change). */
const teamRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/team',
}).lazy(() => import('./routes/team.tsx').then((m) => m.route));

/** The team's support tickets (every member). */
const supportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/support',
  validateSearch: v.object({
    /** The ticket shown. */
    ticket: v.optional(v.pipe(v.string(), v.uuid())),
  }),
}).lazy(() => import('./routes/support.tsx').then((m) => m.route));

/** The team's own vendors and keys (everyone reads; owners change and test). */
const providersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/providers',
}).lazy(() => import('./routes/providers.tsx').then((m) => m.route));

/** The team's recordings for cloned voices (owners and DMs). */
const voiceSamplesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/voice-samples',
}).lazy(() => import('./routes/voice-samples.tsx').then((m) => m.route));

/** The team's API keys (owners). */
const apiKeysRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/api-keys',
}).lazy(() => import('./routes/api-keys.tsx').then((m) => m.route));

/** The team's own MCP tool servers (everyone reads; owners change and test). */
const toolServersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/tool-servers',
}).lazy(() => import('./routes/tool-servers.tsx').then((m) => m.route));

/** The team's audit trail (owners), narrowed by exact action and actor. */
const auditRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/teams/$tenantId/settings/audit',
  validateSearch: v.object({
    action: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
    actor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  }),
}).lazy(() => import('./routes/audit-log.tsx').then((m) => m.route));

/** The platform's tenants, users and health (super admins; the edge checks each of its routes too). */
const PlatformSearch = v.object({
  /** The listing's search: part of an id, email or name. */
  q: v.optional(v.pipe(v.string(), v.maxLength(100))),
});

const adminTenantsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/platform/tenants',
  validateSearch: PlatformSearch,
}).lazy(() => import('./routes/platform-tenants.tsx').then((m) => m.route));

const adminTenantRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/platform/tenants/$tenantId',
}).lazy(() => import('./routes/platform-tenant.tsx').then((m) => m.route));

const adminUsersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/platform/users',
  validateSearch: PlatformSearch,
}).lazy(() => import('./routes/platform-users.tsx').then((m) => m.route));

const adminHealthRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/platform/health',
}).lazy(() => import('./routes/platform-health.tsx').then((m) => m.route));

const routeTree = rootRoute.addChildren([
  signInRoute,
  joinRoute,
  signedInRoute.addChildren([homeRoute, onboardingRoute, campaignsRoute, campaignRoute, knowledgeRoute, newNpcRoute, npcRoute, sessionsRoute, usageRoute, tenantSettingsRoute, billingRoute, teamRoute, supportRoute, providersRoute, voiceSamplesRoute, apiKeysRoute, toolServersRoute, auditRoute, adminTenantsRoute, adminTenantRoute, adminUsersRoute, adminHealthRoute]),
]);

export const router = createRouter({ routeTree, context: { queryClient }, defaultPreload: 'intent', defaultPendingMs: 150, scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
