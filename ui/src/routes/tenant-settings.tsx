import { useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams } from '@tanstack/react-router';
import { useTenantRole } from '../account/tenant-role.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { BotStep } from '../onboarding/bot-form.tsx';
import { tenantQuery } from '../onboarding/onboarding-queries.ts';
import { LimitsList } from '../settings/limits-list.tsx';

const FROM = '/signed-in/teams/$tenantId/settings';

/** A team's plan and limits, and its Discord bot (owners only, as the edge's tenant.settings). */
function TenantSettings() {
  const { tenantId } = useParams({ from: FROM });
  const owner = useTenantRole(tenantId) === 'tenant_owner';
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Settings</h1>
      {owner ? <OwnerSettings tenantId={tenantId} /> : <Alert>Only the team's owners change its settings.</Alert>}
    </>
  );
}

function OwnerSettings({ tenantId }: { tenantId: string }) {
  const { data: tenant } = useSuspenseQuery(tenantQuery(tenantId));
  const { limits, command_registration: commands } = tenant;
  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle>Plan and limits</CardTitle>
          <CardDescription>{limits.plan ? `The ${limits.plan} plan` : 'Billing is off on this installation'}{limits.overridden.length > 0 ? `; the operator set ${limits.overridden.join(', ')}` : ''}.</CardDescription>
        </CardHeader>
        <CardContent>
          <LimitsList limits={limits} />
          {limits.grace_ends_at && <Alert className="mt-4">The subscription is past due: the plan holds until {new Date(limits.grace_ends_at).toLocaleDateString()}.</Alert>}
          {limits.plan && (
            <Link to="/teams/$tenantId/settings/billing" params={{ tenantId }} className="mt-4 inline-block text-sm font-medium text-primary underline underline-offset-4">
              Change the plan, see usage and invoices
            </Link>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Discord bot</CardTitle>
          <CardDescription>
            {tenant.has_bot_token ? 'A bot token is stored (encrypted); paste a new one to replace it.' : 'No bot yet: add your Discord application to use Glyphoxa in Discord.'}
            {commands.error ? ` Registering the slash commands failed: ${commands.error}.` : commands.registered_at ? ` Slash commands registered ${new Date(commands.registered_at).toLocaleString()}.` : ''}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <BotStep tenantId={tenantId} applicationId={tenant.discord_application_id} publicKey={tenant.discord_public_key} />
        </CardContent>
      </Card>
    </>
  );
}

export const route = createLazyRoute(FROM)({ component: TenantSettings });
