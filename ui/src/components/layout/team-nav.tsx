import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { meQuery } from '../../account/me-query.ts';
import { canManage, useTenantRole } from '../../account/tenant-role.ts';
import { tenantQuery } from '../../onboarding/onboarding-queries.ts';

/**
 * The screens of one team; the settings only its owners may use are linked for owners alone, and
 * the plan for owners and super admins where the installation bills (the tenant's limits name a plan).
 */
export function TeamNav({ tenantId }: { tenantId: string }) {
  const role = useTenantRole(tenantId);
  const owner = role === 'tenant_owner';
  const superAdmin = useSuspenseQuery(meQuery).data.user.super_admin;
  const billingManager = owner || superAdmin;
  const billed = useQuery({ ...tenantQuery(tenantId), enabled: billingManager }).data?.limits.plan != null;
  const item = 'rounded-md px-3 py-1.5 text-sm hover:bg-accent [&.active]:bg-secondary [&.active]:font-medium';
  return (
    <nav aria-label={`Team ${tenantId}`} className="flex flex-wrap items-center gap-2">
      <Link to="/" className="text-sm text-muted-foreground hover:underline">
        Home
      </Link>
      <span aria-hidden="true" className="text-muted-foreground">
        /
      </span>
      <span className="font-mono text-sm">{tenantId}</span>
      <Link to="/teams/$tenantId/campaigns" params={{ tenantId }} className={item}>
        Campaigns
      </Link>
      <Link to="/teams/$tenantId/sessions" params={{ tenantId }} className={item}>
        Sessions
      </Link>
      <Link to="/teams/$tenantId/usage" params={{ tenantId }} className={item}>
        Usage
      </Link>
      <Link to="/teams/$tenantId/settings/team" params={{ tenantId }} className={item}>
        Team
      </Link>
      <Link to="/teams/$tenantId/settings/tool-servers" params={{ tenantId }} className={item}>
        Tool servers
      </Link>
      <Link to="/teams/$tenantId/support" params={{ tenantId }} className={item}>
        Support
      </Link>
      <Link to="/teams/$tenantId/settings/providers" params={{ tenantId }} className={item}>
        Providers
      </Link>
      {canManage(role) && (
        <Link to="/teams/$tenantId/settings/voice-samples" params={{ tenantId }} className={item}>
          Voice samples
        </Link>
      )}
      {billingManager && billed && (
        <Link to="/teams/$tenantId/settings/billing" params={{ tenantId }} className={item}>
          Plan
        </Link>
      )}
      {owner && (
        <>
          <Link to="/teams/$tenantId/settings" params={{ tenantId }} activeOptions={{ exact: true }} className={item}>
            Settings
          </Link>
          <Link to="/teams/$tenantId/settings/api-keys" params={{ tenantId }} className={item}>
            API keys
          </Link>
          <Link to="/teams/$tenantId/settings/audit" params={{ tenantId }} className={item}>
            Audit log
          </Link>
        </>
      )}
    </nav>
  );
}
