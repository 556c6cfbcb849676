import { EntityTypeSchema } from '@glyphoxa/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { Shapes } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { knowledgeKeys, type Entity } from './knowledge-queries.ts';
import { controlClass, useAction } from './use-action.ts';

const TYPES = EntityTypeSchema.options;

/** The campaign's people, places and things: a searchable table, an add form, removing one (its relationships go with it). */
export function EntitiesCard({ tenantId, campaignId, entities, manage }: { tenantId: string; campaignId: string; entities: Entity[]; manage: boolean }) {
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState('');
  const [draft, setDraft] = useState({ name: '', type: 'npc' as (typeof TYPES)[number], description: '' });
  const add = useAction();
  const remove = useAction();
  const refresh = () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.all(tenantId, campaignId) });
  const shown = entities.filter((e) => `${e.name} ${e.type} ${e.description}`.toLowerCase().includes(filter.trim().toLowerCase()));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await add.run(async () => {
      await api.tenants[':id'].campaigns[':campaignId'].entities.$post({ param: { id: tenantId, campaignId }, json: draft });
      // Cleared before the list is read again, so nothing typed meanwhile is lost.
      setDraft({ name: '', type: draft.type, description: '' });
      await refresh();
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Entities</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {entities.length === 0 ? (
          <EmptyState icon={Shapes} title="No entities yet">
            People, places and things NPCs may talk about.
          </EmptyState>
        ) : (
          <>
            <div className="flex flex-col gap-2">
              <Label htmlFor="entity-filter">Find an entity</Label>
              <Input id="entity-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
            </div>
            <div className="overflow-x-auto">
              <table aria-label="Entities" className="w-full text-left text-sm">
                <thead>
                  <tr className="border-b">
                    <th className="p-2">Name</th>
                    <th className="p-2">Type</th>
                    <th className="p-2">Description</th>
                    {manage && <th className="p-2"><span className="sr-only">Actions</span></th>}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((e) => (
                    <tr key={e.id} className="border-b">
                      <td className="p-2 font-medium">{e.name}</td>
                      <td className="p-2">{e.type}</td>
                      <td className="p-2 text-muted-foreground">{e.description}</td>
                      {manage && (
                        <td className="p-2 text-right">
                          <Button
                            variant="ghost"
                            size="sm"
                            disabled={remove.pending}
                            aria-label={`Remove ${e.name}`}
                            onClick={() =>
                              void remove.run(async () => {
                                await api.tenants[':id'].entities[':entityId'].$delete({ param: { id: tenantId, entityId: e.id } });
                                await refresh();
                              })
                            }
                          >
                            Remove
                          </Button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <FailureAlert failure={remove.failure} fallback="The entity was not removed" />
          </>
        )}
        {manage && (
          <form aria-label="Add entity" onSubmit={submit} className="grid gap-3 rounded-md border p-4 sm:grid-cols-[1fr_auto_2fr_auto] sm:items-end">
            <div className="flex flex-col gap-2">
              <Label htmlFor="entity-name">Name</Label>
              <Input id="entity-name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="entity-type">Type</Label>
              <select id="entity-type" className={controlClass} value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value as (typeof TYPES)[number] })}>
                {TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="entity-description">Description</Label>
              <Input id="entity-description" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
            </div>
            <Button type="submit" disabled={add.pending}>
              Add entity
            </Button>
            <div className="sm:col-span-4">
              <FailureAlert failure={add.failure} fallback="The entity was not added" />
            </div>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
