import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { nodeRadius, type Bounds, type Placed } from './graph-layout.ts';
import type { Entity, Relationship } from './knowledge-queries.ts';
import type { NpcLens } from './npc-lens.ts';

/** Fill of a node by its entity's type; the legend shows the same. */
export const TYPE_FILL: Record<Entity['type'], { node: string; swatch: string }> = {
  npc: { node: 'fill-sky-600', swatch: 'bg-sky-600' },
  location: { node: 'fill-emerald-600', swatch: 'bg-emerald-600' },
  item: { node: 'fill-amber-500', swatch: 'bg-amber-500' },
  faction: { node: 'fill-violet-600', swatch: 'bg-violet-600' },
  quest: { node: 'fill-rose-600', swatch: 'bg-rose-600' },
  lore: { node: 'fill-slate-500', swatch: 'bg-slate-500' },
};

/** Arrow keys move a focused node this far (with Shift, four times as far): the keyboard's drag. */
const STEP = 12;
const FADED = 0.18;

export interface GraphDrawingProps {
  entities: readonly Entity[];
  relationships: readonly Relationship[];
  positions: ReadonlyMap<string, Placed>;
  view: Bounds;
  lens: NpcLens | null;
  selected: string | null;
  onSelect(id: string | null): void;
  onMove(id: string, x: number, y: number): void;
  onPan(dx: number, dy: number): void;
}

/** Screen pixels per drawing unit, so labels stay readable at any zoom and on a phone. */
function useScale(view: Bounds) {
  const ref = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ width: 640, height: 420 });
  useEffect(() => {
    const svg = ref.current;
    if (!svg) return;
    const observer = new ResizeObserver(([entry]) => entry && setSize({ width: entry.contentRect.width, height: entry.contentRect.height }));
    observer.observe(svg);
    return () => observer.disconnect();
  }, []);
  return { ref, scale: Math.min(size.width / view.width, size.height / view.height) || 1 };
}

/**
 * The graph as SVG: every entity a focusable button (Tab reaches each, Enter or Space
 * selects it, arrow keys move it, Escape lets go), every relationship a line, an arrow
 * where it runs one way, dashed while it is only a proposal. Dragging a node moves it,
 * dragging the background pans. With a lens, what the NPC may not know is faded.
 */
export function GraphDrawing({ entities, relationships, positions, view, lens, selected, onSelect, onMove, onPan }: GraphDrawingProps) {
  const { ref, scale } = useScale(view);
  const drag = useRef<{ id: string | null; x: number; y: number; moved: boolean } | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const names = new Map(entities.map((e) => [e.id, e.name]));
  const touching = selected ? new Set(relationships.filter((r) => r.source_id === selected || r.target_id === selected).flatMap((r) => [r.source_id, r.target_id])) : null;
  const label = 12 / scale;

  const point = (event: PointerEvent) => {
    const matrix = ref.current?.getScreenCTM()?.inverse();
    const p = matrix ? new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix) : { x: event.clientX, y: event.clientY };
    return { x: p.x, y: p.y };
  };
  const down = (id: string | null) => (event: PointerEvent) => {
    event.stopPropagation();
    (event.currentTarget as Element).setPointerCapture(event.pointerId);
    drag.current = { id, ...point(event), moved: false };
  };
  const move = (event: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = point(event);
    if (Math.hypot(p.x - d.x, p.y - d.y) * scale < 3 && !d.moved) return;
    d.moved = true;
    if (d.id) onMove(d.id, p.x, p.y);
    // Panning moves the view, so the pointer keeps its place on the drawing.
    else onPan(d.x - p.x, d.y - p.y);
  };
  const up = (id: string | null) => () => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) onSelect(id === selected ? null : id);
  };
  const keys = (e: Entity) => (event: KeyboardEvent) => {
    const at = positions.get(e.id);
    const step = event.shiftKey ? 4 * STEP : STEP;
    const by: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (event.key === 'Enter' || event.key === ' ') onSelect(e.id === selected ? null : e.id);
    else if (event.key === 'Escape') onSelect(null);
    else if (by[event.key] && at) onMove(e.id, at.x + by[event.key]![0], at.y + by[event.key]![1]);
    else return;
    event.preventDefault();
  };
  const opacity = (inLens: boolean, nearSelection: boolean) => (inLens && nearSelection ? 1 : FADED);

  return (
    <svg
      ref={ref}
      role="group"
      aria-label={`Knowledge graph: ${entities.length} entities, ${relationships.length} relationships`}
      viewBox={`${view.minX} ${view.minY} ${view.width} ${view.height}`}
      className="h-80 w-full touch-none select-none rounded-md border bg-background sm:h-[28rem]"
      onPointerDown={down(null)}
      onPointerMove={move}
      onPointerUp={up(null)}
    >
      <defs>
        <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="fill-muted-foreground" />
        </marker>
      </defs>
      {relationships.map((r) => {
        const a = positions.get(r.source_id);
        const b = positions.get(r.target_id);
        if (!a || !b) return null;
        const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
        const end = nodeRadius(b.degree) + 3;
        const start = r.bidirectional ? nodeRadius(a.degree) + 3 : 0;
        const [ux, uy] = [(b.x - a.x) / length, (b.y - a.y) / length];
        const nearSelection = !selected || r.source_id === selected || r.target_id === selected;
        return (
          <g key={r.id} opacity={opacity(!lens || lens.relationships.has(r.id), nearSelection)} aria-hidden="true">
            <line
              x1={a.x + ux * start}
              y1={a.y + uy * start}
              x2={b.x - ux * end}
              y2={b.y - uy * end}
              className="stroke-muted-foreground"
              strokeWidth={1.5 / scale}
              strokeDasharray={r.dm_confirmed ? undefined : `${5 / scale} ${4 / scale}`}
              markerEnd="url(#graph-arrow)"
              markerStart={r.bidirectional ? 'url(#graph-arrow)' : undefined}
            />
            {selected && nearSelection && (
              <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2} fontSize={label * 0.9} textAnchor="middle" className="fill-muted-foreground stroke-background" strokeWidth={3 / scale} paintOrder="stroke">
                {r.type.replaceAll('_', ' ')}
              </text>
            )}
          </g>
        );
      })}
      {entities.map((e) => {
        const at = positions.get(e.id);
        if (!at) return null;
        const r = nodeRadius(at.degree);
        const known = !lens || lens.known.has(e.id);
        const secret = lens?.secret.has(e.id) ?? false;
        const relations = relationships.filter((x) => x.source_id === e.id || x.target_id === e.id).length;
        const lensNote = lens ? (secret ? '; the NPC knows this secret' : known ? '; the NPC may know it' : '; the NPC may not know it') : '';
        return (
          <g
            key={e.id}
            role="button"
            tabIndex={0}
            aria-pressed={selected === e.id}
            aria-label={`${e.name} (${e.type}), ${relations} ${relations === 1 ? 'relationship' : 'relationships'}${lensNote}`}
            transform={`translate(${at.x} ${at.y})`}
            opacity={opacity(known, !touching || touching.has(e.id) || selected === e.id)}
            className="cursor-pointer outline-none"
            onPointerDown={down(e.id)}
            onPointerUp={up(e.id)}
            onKeyDown={keys(e)}
            onFocus={() => setFocused(e.id)}
            onBlur={() => setFocused(null)}
          >
            {(focused === e.id || selected === e.id) && <circle r={r + 5 / scale} className="fill-none stroke-ring" strokeWidth={(focused === e.id ? 3 : 2) / scale} />}
            <circle r={r} className={TYPE_FILL[e.type].node} strokeDasharray={known ? undefined : `${3 / scale} ${2 / scale}`} />
            {secret && <circle r={r + 2 / scale} className="fill-none stroke-destructive" strokeWidth={2 / scale} />}
            <text y={r + label * 1.1} fontSize={label} textAnchor="middle" className="fill-foreground stroke-card font-medium" strokeWidth={3 / scale} paintOrder="stroke">
              {names.get(e.id)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
