import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Users } from 'lucide-react';
import { ROLE_NAMES } from '../account/me-query.ts';
import { PlatformFrame } from '../platform/platform-frame.tsx';
import { platformUsersQuery, type PlatformUser } from '../platform/platform-queries.ts';
import { SearchForm } from '../platform/search-form.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Button } from '../components/ui/button.tsx';

const FROM = '/signed-in/platform/users';

/** Every user on the platform (super admins): found by email or name, with the teams they are in. */
function AdminUsers() {
  return (
    <PlatformFrame title="Users">
      <UserList />
    </PlatformFrame>
  );
}

function UserList() {
  const { q } = useSearch({ from: FROM });
  const navigate = useNavigate({ from: '/platform/users' });
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(platformUsersQuery(q));
  const users = data.pages.flatMap((p) => p.users);
  return (
    <>
      <SearchForm label="Search users" hint="Part of an email address or display name." q={q} onSearch={(next) => void navigate({ search: { q: next } })} />
      {users.length === 0 ? (
        <EmptyState icon={Users} title={q ? 'No user matches' : 'No users yet'}>
          {q ? `No email or display name contains “${q}”. Try part of it, or clear the search.` : 'Users appear here at their first sign-in.'}
        </EmptyState>
      ) : (
        <ul aria-label="Users" className="divide-y rounded-md border">
          {users.map((user) => (
            <UserRow key={user.id} user={user} />
          ))}
        </ul>
      )}
      {hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'More users'}
        </Button>
      )}
    </>
  );
}

function UserRow({ user }: { user: PlatformUser }) {
  return (
    <li className="flex flex-col gap-1 p-3 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">
          {user.display_name}
          {user.super_admin && <span className="ml-2 rounded bg-secondary px-1.5 py-0.5 text-xs font-normal">super admin</span>}
        </span>
        <span className="break-all text-muted-foreground">
          {user.email ?? 'no email'}
          {user.email && !user.email_verified && ' (unverified)'}
        </span>
      </div>
      <p className="text-muted-foreground">
        joined {new Date(user.created_at).toLocaleDateString()} · last sign-in {user.last_login_at ? new Date(user.last_login_at).toLocaleString() : 'never'}
      </p>
      {user.memberships.length === 0 ? (
        <p className="text-muted-foreground">In no team.</p>
      ) : (
        <p className="flex flex-wrap gap-x-3 gap-y-1">
          {user.memberships.map((m) => (
            <span key={m.tenant_id}>
              <Link to="/platform/tenants/$tenantId" params={{ tenantId: m.tenant_id }} className="font-mono text-primary underline-offset-4 hover:underline">
                {m.tenant_id}
              </Link>{' '}
              <span className="text-muted-foreground">({ROLE_NAMES[m.role]})</span>
            </span>
          ))}
        </p>
      )}
    </li>
  );
}

export const route = createLazyRoute(FROM)({ component: AdminUsers });
