import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's sessions and their transcripts, read through the typed client (edge/src/routes/api/sessions.ts). */

const sessions = api.tenants[':id'].sessions;
export type SessionsPage = InferResponseType<typeof sessions.$get, 200>;
export type SessionView = SessionsPage['sessions'][number];

export const sessionKeys = {
  list: (tenantId: string) => ['tenants', tenantId, 'sessions'] as const,
  transcript: (tenantId: string, sessionId: string) => ['tenants', tenantId, 'sessions', sessionId, 'transcript'] as const,
};

/** The newest sessions first, a page at a time (`next_before`). */
export const sessionsQuery = (tenantId: string) =>
  infiniteQueryOptions({
    queryKey: sessionKeys.list(tenantId),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<SessionsPage> => (await sessions.$get({ param: { id: tenantId }, query: pageParam ? { before: pageParam } : {} })).json(),
    getNextPageParam: (page) => page.next_before ?? undefined,
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
