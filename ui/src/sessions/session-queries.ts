import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's sessions and their transcripts, read through the typed client (edge/src/routes/api/sessions.ts). */

const sessions = api.tenants[':id'].sessions;
export type SessionsPage = InferResponseType<typeof sessions.$get, 200>;
export type SessionView = SessionsPage['sessions'][number];
export type TranscriptLine = InferResponseType<(typeof sessions)[':sessionId']['transcript']['$get'], 200>['lines'][number];
/** What the history is narrowed by: the list route's own query fields. */
export type SessionFilters = Pick<NonNullable<InferRequestType<typeof sessions.$get>['query']>, 'state' | 'campaign_id' | 'from' | 'to'>;

export const sessionKeys = {
  /** Every session query of a tenant starts with this: invalidating it refreshes them all. */
  list: (tenantId: string) => ['tenants', tenantId, 'sessions'] as const,
  active: (tenantId: string) => ['tenants', tenantId, 'sessions', 'active'] as const,
  transcript: (tenantId: string, sessionId: string) => ['tenants', tenantId, 'sessions', sessionId, 'transcript'] as const,
};

/** The newest sessions first, narrowed by `filters`, a page at a time (`next_before`). */
export const sessionsQuery = (tenantId: string, filters: SessionFilters = {}) =>
  infiniteQueryOptions({
    queryKey: [...sessionKeys.list(tenantId), 'history', filters] as const,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<SessionsPage> => (await sessions.$get({ param: { id: tenantId }, query: pageParam ? { ...filters, before: pageParam } : filters })).json(),
    getNextPageParam: (page) => page.next_before ?? undefined,
  });

/** The few sessions that ended last (the home screen's). */
export const recentSessionsQuery = (tenantId: string, limit = 5) =>
  queryOptions({
    queryKey: [...sessionKeys.list(tenantId), 'recent', limit] as const,
    queryFn: async () => (await (await sessions.$get({ param: { id: tenantId }, query: { state: 'ended', limit: String(limit) } })).json()).sessions,
  });

/** The sessions starting or running now, as the tenant's coordinator knows them; re-read while any is live. */
export const activeSessionsQuery = (tenantId: string) =>
  queryOptions({
    queryKey: sessionKeys.active(tenantId),
    queryFn: async () => (await (await sessions.active.$get({ param: { id: tenantId } })).json()).sessions,
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 ? 10_000 : false),
  });

/** A session's transcript from its first line, a page at a time (`next_after`). */
export const transcriptQuery = (tenantId: string, sessionId: string) =>
  infiniteQueryOptions({
    queryKey: sessionKeys.transcript(tenantId, sessionId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => (await sessions[':sessionId'].transcript.$get({ param: { id: tenantId, sessionId }, query: pageParam ? { after: pageParam } : {} })).json(),
    getNextPageParam: (page) => (page.next_after === null ? undefined : String(page.next_after)),
  });

export const sessionQuery = (tenantId: string, sessionId: string) =>
  queryOptions({
    queryKey: [...sessionKeys.list(tenantId), sessionId] as const,
    queryFn: async () => (await (await sessions[':sessionId'].$get({ param: { id: tenantId, sessionId } })).json()).session,
  });
