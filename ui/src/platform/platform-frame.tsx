import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { meQuery } from '../account/me-query.ts';
import { Alert } from '../components/ui/alert.tsx';

const ITEM = 'rounded-md px-3 py-1.5 text-sm hover:bg-accent [&.active]:bg-secondary [&.active]:font-medium';

/** Whether the signed-in user operates the platform (the edge's super_admin; it checks every platform route too). */
export function useSuperAdmin(): boolean {
  return useSuspenseQuery(meQuery).data.user.super_admin;
}

/** The platform screens' frame: their links and title, and nothing but a notice for anyone but a super admin. */
export function PlatformFrame({ title, children }: { title: string; children: ReactNode }) {
  const superAdmin = useSuperAdmin();
  return (
    <>
      <nav aria-label="Platform" className="flex flex-wrap items-center gap-2">
        <Link to="/" className="text-sm text-muted-foreground hover:underline">
          Home
        </Link>
        <span aria-hidden="true" className="text-muted-foreground">
          /
        </span>
        <span className="text-sm">Platform</span>
        {superAdmin && (
          <>
            <Link to="/platform/tenants" className={ITEM}>
              Tenants
            </Link>
            <Link to="/platform/users" className={ITEM}>
              Users
            </Link>
            <Link to="/platform/health" className={ITEM}>
              System health
            </Link>
          </>
        )}
      </nav>
      <h1 className="text-2xl font-semibold">{title}</h1>
      {superAdmin ? children : <Alert>Only the platform's super admins see this screen. It lists every tenant and user, so your account cannot open it.</Alert>}
    </>
  );
}
