import { createLazyRoute, getRouteApi, useRouter } from '@tanstack/react-router';
import { LocalSignInForm } from '../auth/local-sign-in-form.tsx';
import { OAUTH_PROVIDERS, oauthStartUrl } from '../auth/sign-in-methods.ts';
import { PublicPage } from '../components/layout/public-page.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader } from '../components/ui/card.tsx';

const api = getRouteApi('/sign-in');

/** Home, or onboarding for a user whose own team has no campaign yet; its code loads only once signed in. */
const firstLanding = async () => (await import('../onboarding/onboarding-queries.ts')).landingPath((await import('../api/query-client.ts')).queryClient);

/** Messages for the codes the edge sends back to /sign-in when a provider sign-in fails. */
const FAILURES: Record<string, string> = {
  access_denied: 'You cancelled the sign-in at the provider. Choose a provider to try again.',
  state_mismatch: 'That sign-in link expired or was opened in another tab. Start again below.',
  email_unverified: 'Your email at that provider is not verified, so it cannot be linked to an existing account. Verify it there, or sign in with the provider you used before.',
};

function SignIn() {
  const { redirect, error } = api.useSearch();
  const router = useRouter();
  return (
    <PublicPage className="items-center justify-center">
        <Card className="w-full max-w-sm">
          <CardHeader>
            <h1 className="text-2xl font-semibold">Sign in</h1>
            <CardDescription>Voice your NPCs at the table. New here? Signing in creates your account.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-6">
            {error && <Alert tone="error">{FAILURES[error] ?? 'The sign-in did not complete. Try again, or pick another provider.'}</Alert>}
            <ul className="flex flex-col gap-2" aria-label="Sign in with">
              {OAUTH_PROVIDERS.map(({ id, label, Mark }) => (
                <li key={id}>
                  <Button asChild variant="outline" className="w-full">
                    <a href={oauthStartUrl(id, redirect)}>
                      <Mark />
                      Continue with {label}
                    </a>
                  </Button>
                </li>
              ))}
            </ul>
            <div className="flex items-center gap-3 text-xs text-muted-foreground" aria-hidden="true">
              <span className="h-px flex-1 bg-border" />
              or
              <span className="h-px flex-1 bg-border" />
            </div>
            <LocalSignInForm onSignedIn={async () => router.history.push(redirect && redirect !== '/' ? redirect : await firstLanding())} />
          </CardContent>
        </Card>
    </PublicPage>
  );
}

export const route = createLazyRoute('/sign-in')({ component: SignIn });
