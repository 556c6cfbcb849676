import { useQueryClient } from '@tanstack/react-query';
import { ScrollText } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import { knowledgeKeys, type LoreDocument } from './knowledge-queries.ts';
import { areaClass, controlClass, useAction } from './use-action.ts';

const KINDS = ['lore', 'rules', 'handout'] as const satisfies readonly LoreDocument['kind'][];
const EMPTY = { title: '', kind: 'lore' as LoreDocument['kind'], body: '' };

/** The campaign's written material: pick a document to edit its markdown, or write a new one. */
export function LoreCard({ tenantId, campaignId, documents, manage }: { tenantId: string; campaignId: string; documents: LoreDocument[]; manage: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState(EMPTY);
  const save = useAction();
  const refresh = () => queryClient.invalidateQueries({ queryKey: knowledgeKeys.lore(tenantId, campaignId) });
  const open = (doc: LoreDocument | null) => {
    setEditing(doc?.id ?? null);
    setDraft(doc ? { title: doc.title, kind: doc.kind, body: doc.body } : EMPTY);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save.run(async () => {
      if (editing) await api.tenants[':id'].lore[':documentId'].$put({ param: { id: tenantId, documentId: editing }, json: draft });
      else setEditing((await (await api.tenants[':id'].campaigns[':campaignId'].lore.$post({ param: { id: tenantId, campaignId }, json: draft })).json()).document.id);
      await refresh();
    });
  };
  const remove = async () => {
    if (!editing) return;
    await save.run(async () => {
      await api.tenants[':id'].lore[':documentId'].$delete({ param: { id: tenantId, documentId: editing } });
      open(null);
      await refresh();
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Lore documents</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {documents.length === 0 ? (
          <EmptyState icon={ScrollText} title="No lore documents yet">
            World lore, house rules and handouts, in markdown.
          </EmptyState>
        ) : (
          <ul aria-label="Lore documents" className="divide-y rounded-md border">
            {documents.map((d) => (
              <li key={d.id}>
                <button type="button" onClick={() => open(d)} aria-current={editing === d.id} className="flex w-full flex-wrap items-baseline justify-between gap-2 p-3 text-left hover:bg-accent aria-[current=true]:bg-accent">
                  <span className="font-medium">{d.title}</span>
                  <span className="text-sm text-muted-foreground">
                    {d.kind} · {d.body.length} characters
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {manage && (
          <form aria-label={editing ? 'Edit lore document' : 'New lore document'} onSubmit={submit} className="flex flex-col gap-3 rounded-md border p-4">
            <div className="grid gap-3 sm:grid-cols-[1fr_auto]">
              <div className="flex flex-col gap-2">
                <Label htmlFor="lore-title">Title</Label>
                <Input id="lore-title" required value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
              </div>
              <div className="flex flex-col gap-2">
                <Label htmlFor="lore-kind">Kind</Label>
                <select id="lore-kind" className={controlClass} value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as LoreDocument['kind'] })}>
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="flex flex-col gap-2">
              <Label htmlFor="lore-body">Text (markdown)</Label>
              <textarea id="lore-body" className={areaClass} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
            </div>
            <FailureAlert failure={save.failure} fallback="The document was not saved" />
            <div className="flex flex-wrap gap-2">
              <Button type="submit" disabled={save.pending}>
                {editing ? 'Save document' : 'Add document'}
              </Button>
              {editing && (
                <>
                  <Button type="button" variant="outline" onClick={() => open(null)}>
                    New document
                  </Button>
                  <Button type="button" variant="ghost" disabled={save.pending} onClick={() => void remove()}>
                    Delete document
                  </Button>
                </>
              )}
            </div>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
