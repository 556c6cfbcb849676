import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, Outlet, useNavigate } from '@tanstack/react-router';
import { meQuery } from '../account/me-query.ts';
import { signOut } from '../api/access-token.ts';
import { nextStep } from '../api/errors.ts';
import { Brand } from '../components/layout/brand.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { ThemeToggle } from '../theme/theme-toggle.tsx';

/** The frame of every signed-in screen: who is signed in, the theme, and signing out. */
function SignedInShell() {
  const { data: me } = useSuspenseQuery(meQuery);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signingOut = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: '/sign-in' });
    },
  });
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex items-center justify-between gap-3 border-b p-4">
        <Brand />
        <div className="flex min-w-0 items-center gap-2">
          {me.user.super_admin && (
            <Link to="/platform/tenants" className="rounded-md px-2 py-1.5 text-sm hover:bg-accent">
              Platform
            </Link>
          )}
          <span className="truncate text-sm text-muted-foreground" title={me.user.email ?? undefined}>
            <span className="sr-only">Signed in as </span>
            {me.user.display_name}
          </span>
          <ThemeToggle />
          <Button variant="outline" size="sm" onClick={() => signingOut.mutate()} disabled={signingOut.isPending}>
            {signingOut.isPending ? 'Signing out…' : 'Sign out'}
          </Button>
        </div>
      </header>
      {signingOut.error && (
        <Alert tone="error" className="m-4">
          Signing out did not complete: {signingOut.error.message}. {nextStep(signingOut.error)}
        </Alert>
      )}
      <main id="main" className="mx-auto flex w-full max-w-5xl flex-1 flex-col gap-6 p-4 sm:p-6">
        <Outlet />
      </main>
    </div>
  );
}

export const route = createLazyRoute('/signed-in')({ component: SignedInShell });
