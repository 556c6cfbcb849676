import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ROLE_NAMES } from '../account/me-query.ts';
import { api } from '../api/client.ts';
import { PlatformFrame } from '../platform/platform-frame.tsx';
import { platformKeys } from '../platform/platform-queries.ts';
import { PlanOverridesForm } from '../platform/plan-form.tsx';
import { TenantSessions } from '../platform/tenant-sessions.tsx';
import { ConfirmDelete } from '../components/confirm-delete.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { tenantQuery } from '../onboarding/onboarding-queries.ts';
import { LimitsList } from '../settings/limits-list.tsx';
import { teamQuery } from '../settings/member-queries.ts';

const FROM = '/signed-in/platform/tenants/$tenantId';

/** One tenant as the platform's operators see it: its plan and overrides, members, sessions, and deleting it. */
function AdminTenant() {
  const { tenantId } = useParams({ from: FROM });
  return (
    <PlatformFrame title={`Tenant ${tenantId}`}>
      <Link to="/platform/tenants" className="self-start text-sm hover:underline">
        ← All tenants
      </Link>
      <TenantDetail tenantId={tenantId} />
    </PlatformFrame>
  );
}

function TenantDetail({ tenantId }: { tenantId: string }) {
  const { data: tenant } = useSuspenseQuery(tenantQuery(tenantId));
  const { data: team } = useSuspenseQuery(teamQuery(tenantId));
  const [saved, setSaved] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { limits } = tenant;
  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle>Plan and limits</CardTitle>
          <CardDescription>
            {limits.plan ? `Works under the ${limits.plan} plan` : 'Billing is off: no plan limits apply'}
            {limits.overridden.length > 0 ? `, with your overrides of ${limits.overridden.join(' and ')}` : ''}. Created {new Date(tenant.created_at).toLocaleDateString()}.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-6">
          <LimitsList limits={limits} />
          {limits.grace_ends_at && <Alert>Past due: the plan holds until {new Date(limits.grace_ends_at).toLocaleDateString()}.</Alert>}
          <PlanOverridesForm key={tenant.updated_at} tenant={tenant} onSaved={() => setSaved(true)} />
          {saved && <Alert>Saved. Running sessions finish under the old limits; the next start uses these.</Alert>}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Discord bot</CardTitle>
          <CardDescription>
            {tenant.has_bot_token ? `Application ${tenant.discord_application_id ?? '(no id)'}, in ${tenant.guild_ids.length} guild${tenant.guild_ids.length === 1 ? '' : 's'}.` : 'No bot token yet.'}
            {tenant.command_registration.error ? ` Registering its slash commands failed: ${tenant.command_registration.error}.` : ''}
          </CardDescription>
        </CardHeader>
      </Card>
      <section aria-labelledby="tenant-members" className="flex flex-col gap-2">
        <h2 id="tenant-members" className="text-lg font-semibold">
          Members
        </h2>
        {team.members.length === 0 ? (
          <p className="text-sm text-muted-foreground">No members.</p>
        ) : (
          <ul aria-label="Members" className="divide-y rounded-md border">
            {team.members.map((m) => (
              <li key={m.user_id} className="flex flex-wrap justify-between gap-2 p-3 text-sm">
                <span>{m.display_name}</span>
                <span className="text-muted-foreground">
                  {m.email ?? 'no email'} · {ROLE_NAMES[m.role]}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="tenant-sessions" className="flex flex-col gap-2">
        <h2 id="tenant-sessions" className="text-lg font-semibold">
          Recent sessions
        </h2>
        <TenantSessions tenantId={tenantId} />
      </section>
      <ConfirmDelete
        what={`the tenant ${tenantId}`}
        consequence="Its live sessions are stopped, and its campaigns, NPCs, transcripts, keys and members removed."
        onDelete={async () => {
          await api.tenants[':id'].$delete({ param: { id: tenantId } });
          // Away first: this screen's queries would ask again for what no longer exists.
          await navigate({ to: '/platform/tenants' });
          queryClient.removeQueries({ queryKey: tenantQuery(tenantId).queryKey });
          await queryClient.invalidateQueries({ queryKey: platformKeys.tenants });
        }}
      />
    </>
  );
}

export const route = createLazyRoute(FROM)({ component: AdminTenant });
