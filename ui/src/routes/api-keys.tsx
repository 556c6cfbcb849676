import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams } from '@tanstack/react-router';
import { KeyRound } from 'lucide-react';
import { useState } from 'react';
import { useTenantRole } from '../account/tenant-role.ts';
import { api } from '../api/client.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { ApiKeyFormCard } from '../settings/api-key-form.tsx';
import { apiKeyKeys, apiKeysQuery, type ApiKey, type CreatedApiKey } from '../settings/api-key-queries.ts';
import { CreatedApiKeyNotice } from '../settings/created-api-key.tsx';

const when = (at: string | null, never: string) => (at ? new Date(at).toLocaleDateString() : never);

/** A team's API keys (owners only, as the edge's api_keys.manage): the live ones, a new one shown once, revoking. */
function ApiKeys() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/settings/api-keys' });
  const role = useTenantRole(tenantId);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">API keys</h1>
      {role === 'tenant_owner' ? <OwnedKeys tenantId={tenantId} /> : <Alert>Only the team's owners manage its API keys. Ask an owner for a key.</Alert>}
    </>
  );
}

function OwnedKeys({ tenantId }: { tenantId: string }) {
  const { data: keys } = useSuspenseQuery(apiKeysQuery(tenantId));
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.list(tenantId) });
  return (
    <>
      {created && <CreatedApiKeyNotice created={created} onDone={() => setCreated(null)} />}
      {keys.length === 0 ? (
        <EmptyState icon={KeyRound} title="No API keys yet">
          A key lets a program (a VTT module, a script) call this team's API with the scopes you give it. Create one below.
        </EmptyState>
      ) : (
        <ul aria-label="API keys" className="divide-y rounded-md border">
          {keys.map((key) => (
            <KeyRow key={key.id} tenantId={tenantId} apiKey={key} onRevoked={refresh} />
          ))}
        </ul>
      )}
      <Card>
        <CardHeader>
          <CardTitle>New API key</CardTitle>
          <CardDescription>Give it only the scopes it needs; it can be revoked at any time.</CardDescription>
        </CardHeader>
        <CardContent>
          <ApiKeyFormCard
            onCreate={async (body) => {
              const answer = await (await api.tenants[':id'].keys.$post({ param: { id: tenantId }, json: body })).json();
              setCreated(answer.api_key);
              await refresh();
            }}
          />
        </CardContent>
      </Card>
    </>
  );
}

function KeyRow({ tenantId, apiKey, onRevoked }: { tenantId: string; apiKey: ApiKey; onRevoked: () => Promise<void> }) {
  return (
    <li className="flex flex-col gap-2 p-3 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">{apiKey.name}</span>
        <span className="font-mono text-muted-foreground">
          {apiKey.id}
          {apiKey.last4 && ` · ends in ${apiKey.last4}`}
        </span>
      </div>
      <p className="text-muted-foreground">
        {apiKey.scopes.join(', ')} · created {when(apiKey.created_at, '')} · last used {when(apiKey.last_used_at, 'never')} · expires {when(apiKey.expires_at, 'never')}
      </p>
      <ConfirmDelete
        what={`the key ${apiKey.name}`}
        consequence="Programs using it are refused from now on."
        onDelete={async () => {
          await api.tenants[':id'].keys[':keyId'].$delete({ param: { id: tenantId, keyId: apiKey.id } });
          await onRevoked();
        }}
      />
    </li>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/settings/api-keys')({ component: ApiKeys });
