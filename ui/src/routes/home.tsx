import { useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { meQuery, ROLE_NAMES } from '../account/me-query.ts';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';

/** Where a signed-in user lands: who they are and the teams they belong to. */
function Home() {
  const { data: me } = useSuspenseQuery(meQuery);
  return (
    <>
      <h1 className="text-2xl font-semibold">Welcome, {me.user.display_name}</h1>
      <Card>
        <CardHeader>
          <CardTitle>Your teams</CardTitle>
          <CardDescription>Each team has its own campaigns, NPCs, bot and quota; your role in it decides what you can change.</CardDescription>
        </CardHeader>
        <CardContent>
          {me.memberships.length === 0 ? (
            <p className="text-sm text-muted-foreground">You are not in a team yet. Ask a team's owner to invite {me.user.email ?? 'you'}.</p>
          ) : (
            <ul className="divide-y rounded-md border">
              {me.memberships.map((m) => (
                <li key={m.tenant_id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 p-3 text-sm">
                  <span className="font-mono">{m.tenant_id}</span>
                  <span className="text-muted-foreground">{ROLE_NAMES[m.role]}</span>
                  <span className="flex w-full gap-4">
                    <Link to="/teams/$tenantId/campaigns" params={{ tenantId: m.tenant_id }} className="text-primary underline-offset-4 hover:underline">
                      Campaigns<span className="sr-only"> of {m.tenant_id}</span>
                    </Link>
                    <Link to="/teams/$tenantId/sessions" params={{ tenantId: m.tenant_id }} className="text-primary underline-offset-4 hover:underline">
                      Sessions<span className="sr-only"> of {m.tenant_id}</span>
                    </Link>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </>
  );
}

export const route = createLazyRoute('/signed-in/')({ component: Home });
