import type { ProviderRole } from '@glyphoxa/db/provider-kinds';
import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTenantRole } from '../account/tenant-role.ts';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { ProviderCheckResult } from '../providers/provider-check.tsx';
import { ProviderFormCard } from '../providers/provider-form.tsx';
import { providerKeys, providersQuery, removeProvider, saveProvider, SLOTS, type Provider } from '../providers/provider-queries.ts';

/** A team's own vendors and keys (every member reads; owners set, replace, remove and test them). */
function Providers() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/settings/providers' });
  const owner = useTenantRole(tenantId) === 'tenant_owner';
  const { data: providers } = useSuspenseQuery(providersQuery(tenantId));
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Providers</h1>
      <p className="text-sm text-muted-foreground">
        Bring your own vendors and keys for this team's sessions. Keys are stored sealed and never shown again, not even to owners.
      </p>
      {!owner && <Alert>Only the team's owners set, test or remove providers. Ask an owner to change one.</Alert>}
      <div className="grid gap-4 lg:grid-cols-2">
        {(Object.keys(SLOTS) as ProviderRole[]).map((role) => (
          <Slot key={role} tenantId={tenantId} role={role} provider={providers.find((p) => p.role === role)} owner={owner} />
        ))}
      </div>
    </>
  );
}

function Slot({ tenantId, role, provider, owner }: { tenantId: string; role: ProviderRole; provider: Provider | undefined; owner: boolean }) {
  const [editing, setEditing] = useState(false);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: providerKeys.list(tenantId) });
  const slot = SLOTS[role];
  const form = (
    <ProviderFormCard
      role={role}
      provider={provider}
      onCancel={provider ? () => setEditing(false) : undefined}
      onSave={async (body) => {
        await saveProvider(tenantId, role, body);
        await refresh();
        setEditing(false);
      }}
    />
  );
  return (
    <Card aria-label={slot.title}>
      <CardHeader>
        <CardTitle>
          {slot.title} <span className="font-mono text-sm font-normal text-muted-foreground">{role}</span>
        </CardTitle>
        <CardDescription>{slot.purpose}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {provider ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted-foreground">Vendor</dt>
            <dd>{provider.kind}</dd>
            <dt className="text-muted-foreground">Model</dt>
            <dd className="break-all">{provider.model}</dd>
            <dt className="text-muted-foreground">Base URL</dt>
            <dd className="break-all font-mono text-xs leading-5">{provider.base_url}</dd>
            <dt className="text-muted-foreground">API key</dt>
            <dd>{provider.has_api_key ? <span aria-label="stored, hidden">•••••••• stored, hidden</span> : 'none'}</dd>
          </dl>
        ) : (
          <p className="rounded-md border border-dashed p-4 text-sm text-muted-foreground">
            Not set. {slot.empty}
            {owner && ' Set one below.'}
          </p>
        )}
        {owner && provider && !editing && (
          <>
            <ProviderCheckResult tenantId={tenantId} role={role} provider={provider} />
            <div className="flex flex-wrap gap-2">
              <Button variant="outline" onClick={() => setEditing(true)}>
                Replace {role} provider
              </Button>
            </div>
            <ConfirmDelete
              what={`the ${role} provider`}
              consequence={`${slot.empty} The stored key is deleted.`}
              onDelete={async () => {
                await removeProvider(tenantId, role);
                await refresh();
              }}
            />
          </>
        )}
        {owner && (!provider || editing) && form}
      </CardContent>
    </Card>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/settings/providers')({ component: Providers });
