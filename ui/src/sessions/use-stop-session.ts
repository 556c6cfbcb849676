import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { usageKeys } from '../usage/usage-queries.ts';
import { sessionKeys } from './session-queries.ts';

/** Stops a session (owners and DMs: the edge refuses viewers); every session list and the usage are read again. */
export function useStopSession(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (sessionId: string) => (await (await api.tenants[':id'].sessions[':sessionId'].stop.$post({ param: { id: tenantId, sessionId } })).json()).session,
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: sessionKeys.list(tenantId) }), queryClient.invalidateQueries({ queryKey: usageKeys.all(tenantId) })]),
  });
}
