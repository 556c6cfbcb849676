import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { knowledgeKeys, type Entity, type Relationship } from './knowledge-queries.ts';
import { describeRelationship, PROVENANCE } from './relationship-text.ts';
import { controlClass, useAction } from './use-action.ts';

/**
 * The campaign's relationships: proposals (from transcripts or imports) to accept or
 * reject first, then the confirmed facts NPCs may be told, and a form to state one.
 */
export function RelationshipsCard({ tenantId, campaignId, entities, relationships, manage }: { tenantId: string; campaignId: string; entities: Entity[]; relationships: Relationship[]; manage: boolean }) {
  const queryClient = useQueryClient();
  const names = new Map(entities.map((e) => [e.id, e.name]));
  const [draft, setDraft] = useState({ source_id: '', type: '', target_id: '', bidirectional: false });
  const act = useAction();
  const refresh = () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.relationships(tenantId, campaignId) });
  const proposals = relationships.filter((r) => !r.dm_confirmed);
  const facts = relationships.filter((r) => r.dm_confirmed);
  const describe = (r: Relationship) => describeRelationship(r, names);
  const param = (r: Relationship) => ({ param: { id: tenantId, relationshipId: r.id } });
  const edges = api.tenants[':id'].relationships[':relationshipId'];
  /** A button's request, then the list read again. */
  const changing = (send: () => Promise<unknown>) => () =>
    void act.run(async () => {
      await send();
      await refresh();
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await act.run(async () => {
      await api.tenants[':id'].campaigns[':campaignId'].relationships.$post({ param: { id: tenantId, campaignId }, json: draft });
      setDraft({ ...draft, type: '' });
      await refresh();
    });
  };
  const entityOptions = entities.map((e) => (
    <option key={e.id} value={e.id}>
      {e.name}
    </option>
  ));

  return (
    <Card>
      <CardHeader>
        <CardTitle>Relationships</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <section aria-label="Proposals" className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold">Proposals ({proposals.length})</h3>
          {proposals.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing waiting: after a session, entities named together in its transcript are proposed here.</p>
          ) : (
            <ul aria-label="Proposed relationships" className="divide-y rounded-md border">
              {proposals.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                  <span>
                    <span className="font-medium">{describe(r)}</span>
                    <span className="block text-xs text-muted-foreground">
                      {PROVENANCE[r.source]}, confidence {Math.round(r.confidence * 100)}%
                    </span>
                  </span>
                  {manage && (
                    <span className="flex gap-2">
                      <Button size="sm" disabled={act.pending} aria-label={`Accept ${describe(r)}`} onClick={changing(() => edges.accept.$post(param(r)))}>
                        Accept
                      </Button>
                      <Button size="sm" variant="outline" disabled={act.pending} aria-label={`Reject ${describe(r)}`} onClick={changing(() => edges.reject.$post(param(r)))}>
                        Reject
                      </Button>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-label="Confirmed" className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold">Confirmed ({facts.length})</h3>
          <ul aria-label="Confirmed relationships" className="divide-y rounded-md border">
            {facts.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
                <span>
                  <span className="font-medium">{describe(r)}</span>
                  <span className="block text-xs text-muted-foreground">{PROVENANCE[r.source]}</span>
                </span>
                {manage && (
                  <Button size="sm" variant="ghost" disabled={act.pending} aria-label={`Delete ${describe(r)}`} onClick={changing(() => edges.$delete(param(r)))}>
                    Delete
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <FailureAlert failure={act.failure} fallback="The relationship was not changed" />
        {manage && entities.length >= 2 && (
          <form aria-label="Add relationship" onSubmit={submit} className="grid gap-3 rounded-md border p-4 sm:grid-cols-4 sm:items-end">
            <div className="flex flex-col gap-2">
              <Label htmlFor="relationship-source">From</Label>
              <select id="relationship-source" required className={controlClass} value={draft.source_id} onChange={(e) => setDraft({ ...draft, source_id: e.target.value })}>
                <option value="">Choose…</option>
                {entityOptions}
              </select>
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="relationship-type">Relationship</Label>
              <Input id="relationship-type" required placeholder="ally_of" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })} />
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="relationship-target">To</Label>
              <select id="relationship-target" required className={controlClass} value={draft.target_id} onChange={(e) => setDraft({ ...draft, target_id: e.target.value })}>
                <option value="">Choose…</option>
                {entityOptions}
              </select>
            </div>
            <div className="flex items-center gap-2">
              <input id="relationship-both" type="checkbox" checked={draft.bidirectional} onChange={(e) => setDraft({ ...draft, bidirectional: e.target.checked })} />
              <Label htmlFor="relationship-both">Both ways</Label>
            </div>
            <Button type="submit" className="sm:col-span-4 sm:justify-self-start" disabled={act.pending}>
              Add relationship
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
