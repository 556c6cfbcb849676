import { useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PlatformFrame } from '../platform/platform-frame.tsx';
import { observabilityQuery, type Observability } from '../platform/platform-queries.ts';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { cn } from '../lib/cn.ts';

type SessionRow = Observability['sessions']['live'][number];
const when = (at: string | null) => (at ? new Date(at).toLocaleString() : 'never');
const number = new Intl.NumberFormat();

/** The platform now (super admins): whether the edge can serve, its voice nodes, live sessions, the day's failures, the month's usage. */
function AdminHealth() {
  return (
    <PlatformFrame title="System health">
      <Health />
    </PlatformFrame>
  );
}

function Health() {
  const { data } = useSuspenseQuery(observabilityQuery);
  const { readiness, nodes, sessions, recent_errors: errors, usage } = data;
  const postgres = readiness.checks.postgres;
  return (
    <>
      <p className="text-sm text-muted-foreground">As of {when(data.at)}; refreshed every 10 seconds.</p>
      <dl aria-label="At a glance" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Figure term="Readiness" tone={readiness.ready ? 'good' : 'bad'}>
          {readiness.ready ? 'Ready' : 'Not ready'}
        </Figure>
        <Figure term="Voice nodes connected" tone={nodes.connected > 0 ? 'good' : 'bad'}>
          {nodes.connected} of {nodes.registered}
        </Figure>
        <Figure term="Sessions live">
          {sessions.active} active, {sessions.pending} starting
        </Figure>
        <Figure term="Capacity in use">{nodes.capacity === 0 ? 'no capacity' : `${nodes.load} of ${nodes.capacity}`}</Figure>
      </dl>
      <Card>
        <CardHeader>
          <CardTitle>Readiness</CardTitle>
          <CardDescription>What /readyz answers load balancers: the edge serves while Postgres answers within a second.</CardDescription>
        </CardHeader>
        <CardContent className="text-sm">{postgres.ok ? `Postgres answered in ${postgres.latency_ms} ms.` : `Postgres did not answer: ${postgres.error}. Check the database and the connection pool (Hyperdrive).`}</CardContent>
      </Card>
      <section aria-labelledby="health-nodes" className="flex flex-col gap-2">
        <h2 id="health-nodes" className="text-lg font-semibold">
          Voice nodes
        </h2>
        {nodes.list.length === 0 ? (
          <p className="text-sm text-muted-foreground">No voice node is registered: create a node token with the admin API (POST /admin/nodes) and start a node with it.</p>
        ) : (
          <div className="overflow-x-auto rounded-md border">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Voice nodes</caption>
              <thead className="bg-muted">
                <tr>
                  <th scope="col" className="p-3 font-medium">Node</th>
                  <th scope="col" className="p-3 font-medium">Pool</th>
                  <th scope="col" className="p-3 font-medium">State</th>
                  <th scope="col" className="p-3 font-medium">Load</th>
                  <th scope="col" className="p-3 font-medium">Version</th>
                  <th scope="col" className="p-3 font-medium">Last seen</th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {nodes.list.map((n) => (
                  <tr key={n.node_id}>
                    <td className="p-3 font-mono">{n.node_id}</td>
                    <td className="p-3 font-mono">{n.pool}</td>
                    <td className="p-3">{n.connected ? (n.draining ? 'draining' : 'connected') : 'offline'}</td>
                    <td className="p-3">{n.capacity === null ? n.load : `${n.load} of ${n.capacity}`}</td>
                    <td className="p-3">{n.version ?? '—'}</td>
                    <td className="whitespace-nowrap p-3">{when(n.last_seen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <SessionList title="Live sessions" label="Live sessions" sessions={sessions.live} empty="No session is running." />
      <SessionList title="Failed in the last day" label="Failed sessions" sessions={errors.failed_sessions} empty="No session failed in the last day." />
      <section aria-labelledby="health-registration" className="flex flex-col gap-2">
        <h2 id="health-registration" className="text-lg font-semibold">
          Slash-command registration
        </h2>
        {errors.command_registration.length === 0 ? (
          <p className="text-sm text-muted-foreground">Every tenant's commands registered.</p>
        ) : (
          <ul aria-label="Registration errors" className="divide-y rounded-md border">
            {errors.command_registration.map((r) => (
              <li key={r.tenant_id} className="flex flex-col gap-1 p-3 text-sm">
                <TenantLink id={r.tenant_id} />
                <span className="text-muted-foreground">
                  {r.error} ({when(r.at)})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Card>
        <CardHeader>
          <CardTitle>Usage in {usage.period}</CardTitle>
          <CardDescription>Metered across {usage.tenants} tenant{usage.tenants === 1 ? '' : 's'} this month.</CardDescription>
        </CardHeader>
        <CardContent>
          <dl aria-label="Usage this month" className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <Figure term="Session hours">{number.format(Math.round(usage.session_hours * 10) / 10)}</Figure>
            <Figure term="LLM tokens">{number.format(usage.llm_tokens)}</Figure>
            <Figure term="STT seconds">{number.format(Math.round(usage.stt_seconds))}</Figure>
            <Figure term="TTS characters">{number.format(usage.tts_chars)}</Figure>
          </dl>
        </CardContent>
      </Card>
    </>
  );
}

function Figure({ term, tone, children }: { term: string; tone?: 'good' | 'bad'; children: ReactNode }) {
  return (
    <div className={cn('flex flex-col gap-1 rounded-md border p-3', tone === 'bad' && 'border-destructive/60 bg-destructive/10')}>
      <dt className="text-xs text-muted-foreground">{term}</dt>
      <dd className="text-base font-semibold">{children}</dd>
    </div>
  );
}

function TenantLink({ id }: { id: string }) {
  return (
    <Link to="/platform/tenants/$tenantId" params={{ tenantId: id }} className="self-start font-mono text-primary underline-offset-4 hover:underline">
      {id}
    </Link>
  );
}

function SessionList({ title, label, sessions, empty }: { title: string; label: string; sessions: SessionRow[]; empty: string }) {
  const id = label.replace(/\s+/g, '-').toLowerCase();
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {sessions.length === 0 ? (
        <p className="text-sm text-muted-foreground">{empty}</p>
      ) : (
        <ul aria-label={label} className="divide-y rounded-md border">
          {sessions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-baseline justify-between gap-2 p-3 text-sm">
              <TenantLink id={s.tenant_id} />
              <span className="text-muted-foreground">
                {s.state === 'ended' ? `${s.end_reason ?? 'ended'} at ${when(s.ended_at)}` : `${s.state} since ${when(s.started_at)}`} · <span className="font-mono">{s.node_id ?? 'no node'}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export const route = createLazyRoute('/signed-in/platform/health')({ component: AdminHealth });
