import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Building2 } from 'lucide-react';
import { PlatformFrame } from '../platform/platform-frame.tsx';
import { platformTenantsQuery } from '../platform/platform-queries.ts';
import { SearchForm } from '../platform/search-form.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Button } from '../components/ui/button.tsx';

const FROM = '/signed-in/platform/tenants';

/** Every tenant on the platform (super admins): found by id or a member's email, a page at a time. */
function AdminTenants() {
  return (
    <PlatformFrame title="Tenants">
      <TenantList />
    </PlatformFrame>
  );
}

function TenantList() {
  const { q } = useSearch({ from: FROM });
  const navigate = useNavigate({ from: '/platform/tenants' });
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(platformTenantsQuery(q));
  const tenants = data.pages.flatMap((p) => p.tenants);
  return (
    <>
      <SearchForm label="Search tenants" hint="Part of a tenant's id, or of a member's email." q={q} onSearch={(next) => void navigate({ search: { q: next } })} />
      {tenants.length === 0 ? (
        <EmptyState icon={Building2} title={q ? 'No tenant matches' : 'No tenants yet'}>
          {q ? `No tenant's id or member's email contains “${q}”. Try part of it, or clear the search.` : 'A tenant is made at a new user’s first sign-in, or with the admin API.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Tenants, by id</caption>
            <thead className="bg-muted">
              <tr>
                <th scope="col" className="p-3 font-medium">Tenant</th>
                <th scope="col" className="p-3 font-medium">Plan</th>
                <th scope="col" className="p-3 font-medium">Voice nodes</th>
                <th scope="col" className="p-3 font-medium">Discord bot</th>
                <th scope="col" className="p-3 font-medium">Created</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {tenants.map((t) => (
                <tr key={t.id}>
                  <td className="p-3">
                    <Link to="/platform/tenants/$tenantId" params={{ tenantId: t.id }} className="font-mono text-primary underline-offset-4 hover:underline">
                      {t.id}
                    </Link>
                  </td>
                  <td className="p-3">
                    {t.tier}
                    {t.limits.overridden.length > 0 && <span className="text-muted-foreground"> (overridden)</span>}
                  </td>
                  <td className="p-3">{t.license_tier}</td>
                  <td className="p-3">{t.has_bot_token ? `${t.guild_ids.length} guild${t.guild_ids.length === 1 ? '' : 's'}` : 'none'}</td>
                  <td className="whitespace-nowrap p-3">{new Date(t.created_at).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'More tenants'}
        </Button>
      )}
    </>
  );
}

export const route = createLazyRoute(FROM)({ component: AdminTenants });
