import { EntityTypeSchema } from '@glyphoxa/protocol';
import { Maximize, ZoomIn, ZoomOut } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { Npc } from '../campaigns/campaign-queries.ts';
import { Button } from '../components/ui/button.tsx';
import { Label } from '../components/ui/label.tsx';
import { GraphDrawing, TYPE_FILL } from './graph-drawing.tsx';
import { boundsOf, layoutGraph, zoomed, type Placed } from './graph-layout.ts';
import type { Entity, Relationship } from './knowledge-queries.ts';
import { npcLens, type NpcLens } from './npc-lens.ts';
import { describeRelationship, PROVENANCE } from './relationship-text.ts';
import { controlClass } from './use-action.ts';

const MIN_ZOOM = 0.5;
const MAX_ZOOM = 4;

export interface KnowledgeGraphProps {
  entities: Entity[];
  relationships: Relationship[];
  npcs: Npc[];
}

/**
 * The campaign's entities and relationships as a force-directed graph beside what it
 * says in words: the selected entity and its relationships (each neighbour one button
 * away, so the graph can be walked by keyboard), or, through an NPC's lens, what that
 * NPC may and may not be told. Loaded as its own chunk (graph-card.tsx).
 */
export default function KnowledgeGraph({ entities, relationships, npcs }: KnowledgeGraphProps) {
  const layout = useMemo(
    () => layoutGraph(entities.map((e) => e.id), relationships.map((r) => ({ source: r.source_id, target: r.target_id }))),
    [entities, relationships],
  );
  const [moved, setMoved] = useState<ReadonlyMap<string, Placed>>(new Map());
  const positions = useMemo(() => new Map(layout.map((p) => [p.id, moved.get(p.id) ?? p])), [layout, moved]);
  const bounds = useMemo(() => boundsOf(layout), [layout]);
  const [view, setView] = useState({ zoom: 1, dx: 0, dy: 0 });
  const [selected, setSelected] = useState<string | null>(null);
  const [lensNpcId, setLensNpcId] = useState('');
  const lensNpc = npcs.find((n) => n.id === lensNpcId) ?? null;
  const lens = useMemo(() => (lensNpc ? npcLens(lensNpc, entities, relationships) : null), [lensNpc, entities, relationships]);
  const shown = zoomed(bounds, view.zoom);
  const names = new Map(entities.map((e) => [e.id, e.name]));

  const zoomBy = (factor: number) => setView((v) => ({ ...v, zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, v.zoom * factor)) }));
  /** Selecting an entity while zoomed in brings it to the middle: panning by keyboard. */
  const select = (id: string | null) => {
    setSelected(id);
    const at = id ? positions.get(id) : undefined;
    if (at && view.zoom > 1) setView((v) => ({ ...v, dx: at.x - (bounds.minX + bounds.width / 2), dy: at.y - (bounds.minY + bounds.height / 2) }));
  };
  const move = (id: string, x: number, y: number) => setMoved((m) => new Map(m).set(id, { ...positions.get(id)!, x, y }));

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="flex flex-col gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-2">
            <Label htmlFor="graph-lens">Seen by</Label>
            <select id="graph-lens" className={controlClass} value={lensNpcId} onChange={(e) => setLensNpcId(e.target.value)}>
              <option value="">The DM (everything)</option>
              {npcs.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          </div>
          <div className="flex gap-1" role="group" aria-label="Zoom">
            <Button variant="outline" size="icon" aria-label="Zoom in" disabled={view.zoom >= MAX_ZOOM} onClick={() => zoomBy(1.5)}>
              <ZoomIn aria-hidden="true" />
            </Button>
            <Button variant="outline" size="icon" aria-label="Zoom out" disabled={view.zoom <= MIN_ZOOM} onClick={() => zoomBy(1 / 1.5)}>
              <ZoomOut aria-hidden="true" />
            </Button>
            <Button variant="outline" size="icon" aria-label="Fit the whole graph" onClick={() => setView({ zoom: 1, dx: 0, dy: 0 })}>
              <Maximize aria-hidden="true" />
            </Button>
          </div>
        </div>
        <GraphDrawing
          entities={entities}
          relationships={relationships}
          positions={positions}
          view={{ ...shown, minX: shown.minX + view.dx, minY: shown.minY + view.dy }}
          lens={lens}
          selected={selected}
          onSelect={select}
          onMove={move}
          onPan={(dx, dy) => setView((v) => ({ ...v, dx: v.dx + dx, dy: v.dy + dy }))}
        />
        <Legend />
      </div>
      <div className="flex flex-col gap-4 text-sm">
        {selected && names.has(selected) ? (
          <EntityDetails entity={entities.find((e) => e.id === selected)!} relationships={relationships} names={names} lens={lens} onSelect={select} />
        ) : (
          <p className="text-muted-foreground">Select an entity (click it, or Tab to it and press Enter) to see its relationships. Drag entities or move them with the arrow keys; drag the background to pan.</p>
        )}
        {lensNpc && lens && <LensSummary npc={lensNpc} entities={entities} relationships={relationships} names={names} lens={lens} onSelect={select} />}
      </div>
    </div>
  );
}

function Legend() {
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
      {EntityTypeSchema.options.map((type) => (
        <li key={type} className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`size-3 rounded-full ${TYPE_FILL[type].swatch}`} />
          {type}
        </li>
      ))}
      <li className="flex items-center gap-1.5">
        <span aria-hidden="true" className="w-5 border-t-2 border-dashed border-muted-foreground" />
        proposal
      </li>
      <li className="flex items-center gap-1.5">
        <span aria-hidden="true" className="size-3 rounded-full border-2 border-destructive" />
        secret the NPC knows
      </li>
    </ul>
  );
}

interface PanelProps {
  relationships: Relationship[];
  names: ReadonlyMap<string, string>;
  lens: NpcLens | null;
  onSelect(id: string): void;
}

/** One entity in words: what it is, and each relationship with its provenance and the entity at the other end. */
function EntityDetails({ entity, relationships, names, lens, onSelect }: PanelProps & { entity: Entity }) {
  const own = relationships.filter((r) => r.source_id === entity.id || r.target_id === entity.id);
  return (
    <section aria-label={`Selected: ${entity.name}`} className="flex flex-col gap-2 rounded-md border p-4">
      <h3 className="text-base font-semibold">{entity.name}</h3>
      <p className="text-xs text-muted-foreground">
        {entity.type}
        {entity.tags.length > 0 && ` · ${entity.tags.join(', ')}`}
      </p>
      {entity.description && <p>{entity.description}</p>}
      <h4 className="font-medium">Relationships ({own.length})</h4>
      <ul className="flex flex-col gap-2">
        {own.map((r) => {
          const other = r.source_id === entity.id ? r.target_id : r.source_id;
          return (
            <li key={r.id}>
              <span className="block">{describeRelationship(r, names)}</span>
              <span className="block text-xs text-muted-foreground">
                {PROVENANCE[r.source]}
                {r.dm_confirmed ? '' : `, a proposal (confidence ${Math.round(r.confidence * 100)}%)`}
                {lens && (lens.relationships.has(r.id) ? ', the NPC may be told' : ', not told to the NPC')}
              </span>
              <Button variant="link" size="sm" className="h-auto px-0" onClick={() => onSelect(other)}>
                Go to {names.get(other)}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** What the lens shows, in lists: the entities the NPC may know (secrets marked), those it may not, the relationships it may be told. */
function LensSummary({ npc, entities, relationships, names, lens, onSelect }: PanelProps & { npc: Npc; entities: Entity[]; lens: NpcLens }) {
  const known = entities.filter((e) => lens.known.has(e.id));
  const unknown = entities.filter((e) => !lens.known.has(e.id));
  const told = relationships.filter((r) => lens.relationships.has(r.id));
  const scope = npc.gm_helper ? 'the DM’s assistant: it knows everything' : npc.knowledge_scope.length === 0 ? 'no knowledge scope: it knows what is not secret' : `knowledge scope: ${npc.knowledge_scope.join(', ')}`;
  const entityList = (label: string, list: Entity[]) => (
    <ul aria-label={label} className="flex flex-wrap gap-1">
      {list.map((e) => (
        <li key={e.id}>
          <Button variant="outline" size="sm" className="h-7 px-2" onClick={() => onSelect(e.id)}>
            {lens.secret.has(e.id) ? `${e.name} (secret)` : e.name}
          </Button>
        </li>
      ))}
    </ul>
  );
  return (
    <section aria-label={`What ${npc.name} knows`} className="flex flex-col gap-2 rounded-md border p-4">
      <h3 className="text-base font-semibold">What {npc.name} knows</h3>
      <p className="text-xs text-muted-foreground">{scope}. Only confirmed relationships between two entities it may know reach its context.</p>
      <h4 className="font-medium">
        May know ({known.length} of {entities.length})
      </h4>
      {entityList(`What ${npc.name} may know`, known)}
      <h4 className="font-medium">May not know ({unknown.length})</h4>
      {unknown.length === 0 ? <p className="text-muted-foreground">Nothing: it may know every entity.</p> : entityList(`What ${npc.name} may not know`, unknown)}
      <h4 className="font-medium">Relationships it may be told ({told.length})</h4>
      <ul aria-label={`Relationships ${npc.name} may be told`} className="flex flex-col gap-1">
        {told.map((r) => (
          <li key={r.id}>{describeRelationship(r, names)}</li>
        ))}
      </ul>
      {npc.secret_knowledge && (
        <>
          <h4 className="font-medium">Its own secret</h4>
          <p className="whitespace-pre-wrap">{npc.secret_knowledge}</p>
        </>
      )}
    </section>
  );
}
