import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** The super admins' view of the platform, read through the typed client (edge/src/routes/api/platform.ts). */

export type PlatformTenant = InferResponseType<typeof api.admin.tenants.$get, 200>['tenants'][number];
export type PlatformUser = InferResponseType<typeof api.admin.users.$get, 200>['users'][number];
export type Observability = InferResponseType<typeof api.admin.observability.$get, 200>;

const PAGE = '25';
const search = (q: string | undefined) => (q ? { q } : {});

export const platformKeys = {
  tenants: ['platform', 'tenants'] as const,
  users: ['platform', 'users'] as const,
  health: ['platform', 'observability'] as const,
};

/** Every tenant (or those whose id or a member's email contains `q`), by id, a page at a time. */
export const platformTenantsQuery = (q: string | undefined) =>
  infiniteQueryOptions({
    queryKey: [...platformKeys.tenants, q ?? ''] as const,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => (await api.admin.tenants.$get({ query: { limit: PAGE, ...search(q), ...(pageParam ? { after: pageParam } : {}) } })).json(),
    getNextPageParam: (page) => page.next_after ?? undefined,
  });

/** Every user (or those whose email or name contains `q`) with their teams, by id, a page at a time. */
export const platformUsersQuery = (q: string | undefined) =>
  infiniteQueryOptions({
    queryKey: [...platformKeys.users, q ?? ''] as const,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => (await api.admin.users.$get({ query: { limit: PAGE, ...search(q), ...(pageParam ? { after: pageParam } : {}) } })).json(),
    getNextPageParam: (page) => page.next_after ?? undefined,
  });

/** Readiness, nodes, live sessions, recent failures and the month's usage, refreshed while the screen is open. */
export const observabilityQuery = queryOptions({
  queryKey: platformKeys.health,
  queryFn: async () => (await api.admin.observability.$get()).json(),
  refetchInterval: 10_000,
});
