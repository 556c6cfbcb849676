import { infiniteQueryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's audit trail, read through the typed client (edge/src/routes/api/audit.ts). */

export type AuditPage = InferResponseType<typeof api.audit.$get, 200>;
export type AuditEntry = AuditPage['entries'][number];
/** What the trail is narrowed to: the route's search params, sent as the edge's query. */
export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
}

const PAGE = '25';

/** Newest first, a page at a time (`next_before`), narrowed by `filter`. */
export const auditQuery = (tenantId: string, filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: ['tenants', tenantId, 'audit', filter] as const,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<AuditPage> =>
      (
        await api.audit.$get({
          query: { tenant_id: tenantId, limit: PAGE, ...(filter.actor ? { actor: filter.actor } : {}), ...(filter.action ? { action: filter.action } : {}), ...(pageParam ? { before: pageParam } : {}) },
        })
      ).json(),
    getNextPageParam: (page) => (page.next_before === null ? undefined : String(page.next_before)),
  });
