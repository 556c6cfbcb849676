import { useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { History } from 'lucide-react';
import { useId, type FormEvent } from 'react';
import { useTenantRole } from '../account/tenant-role.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { EmptyState } from '../components/states/empty-state.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { auditQuery, type AuditEntry, type AuditFilter } from '../settings/audit-queries.ts';

const FROM = '/signed-in/teams/$tenantId/settings/audit';

/** Who changed what in a team (owners only, as the edge's audit.view): filtered by action and actor through the URL, a page at a time. */
function AuditLog() {
  const { tenantId } = useParams({ from: FROM });
  const role = useTenantRole(tenantId);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <h1 className="text-2xl font-semibold">Audit log</h1>
      {role === 'tenant_owner' ? <Trail tenantId={tenantId} /> : <Alert>Only the team's owners read its audit log.</Alert>}
    </>
  );
}

function Trail({ tenantId }: { tenantId: string }) {
  const filter = useSearch({ from: FROM });
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(auditQuery(tenantId, filter));
  const entries = data.pages.flatMap((p) => p.entries);
  const filtered = Boolean(filter.action || filter.actor);
  return (
    <>
      <FilterForm tenantId={tenantId} filter={filter} />
      {entries.length === 0 ? (
        <EmptyState icon={History} title={filtered ? 'No entry matches' : 'Nothing changed yet'}>
          {filtered ? 'Nothing matches both filters: clear them, or check the exact action (api_key.create) or actor (user:<id>).' : 'Every change to this team, its campaigns, keys and members is recorded here.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit log, newest first</caption>
            <thead className="bg-muted">
              <tr>
                <th scope="col" className="p-3 font-medium">When</th>
                <th scope="col" className="p-3 font-medium">Action</th>
                <th scope="col" className="p-3 font-medium">Who</th>
                <th scope="col" className="p-3 font-medium">What</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {entries.map((entry) => (
                <EntryRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasNextPage && (
        <Button variant="outline" className="self-start" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Older entries'}
        </Button>
      )}
    </>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  const change = entry.after ?? entry.before ?? entry.detail;
  return (
    <tr className="align-top">
      <td className="whitespace-nowrap p-3">{new Date(entry.at).toLocaleString()}</td>
      <td className="p-3 font-mono">{entry.action}</td>
      <td className="p-3 font-mono">{entry.actor}</td>
      <td className="p-3">
        <span className="font-mono">{entry.resource ?? '—'}</span>
        {change && (
          <details className="mt-1">
            <summary className="cursor-pointer text-muted-foreground">Details</summary>
            <pre className="mt-1 max-w-md overflow-x-auto whitespace-pre-wrap break-all text-xs">{JSON.stringify({ before: entry.before, after: entry.after, detail: entry.detail }, null, 2)}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}

/** The filters live in the URL: a filtered view can be reloaded, shared, and gone back from. */
function FilterForm({ tenantId, filter }: { tenantId: string; filter: AuditFilter }) {
  const id = useId();
  const navigate = useNavigate({ from: '/teams/$tenantId/settings/audit' });
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    void navigate({ params: { tenantId }, search: { action: text('action'), actor: text('actor') } });
  };
  return (
    <form role="search" aria-label="Filter the audit log" onSubmit={apply} className="flex flex-wrap items-end gap-3" key={`${filter.action}|${filter.actor}`}>
      <div className="flex flex-col gap-2">
        <Label htmlFor={`${id}-action`}>Action</Label>
        <Input id={`${id}-action`} name="action" defaultValue={filter.action ?? ''} placeholder="api_key.create" />
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor={`${id}-actor`}>Actor</Label>
        <Input id={`${id}-actor`} name="actor" defaultValue={filter.actor ?? ''} placeholder="user:…" />
      </div>
      <Button type="submit" variant="secondary">
        Filter
      </Button>
      {(filter.action || filter.actor) && (
        <Button type="button" variant="ghost" onClick={() => void navigate({ params: { tenantId }, search: {} })}>
          Clear filters
        </Button>
      )}
    </form>
  );
}

export const route = createLazyRoute(FROM)({ component: AuditLog });
