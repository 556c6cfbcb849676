import { lazy, Suspense } from 'react';
import type { Npc } from '../campaigns/campaign-queries.ts';
import { Skeleton } from '../components/ui/skeleton.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import type { Entity, Relationship } from './knowledge-queries.ts';

/** The graph and its layout engine are a chunk of their own: the tables below show without waiting for it. */
const KnowledgeGraph = lazy(() => import('./knowledge-graph.tsx'));

export function GraphCard({ entities, relationships, npcs }: { entities: Entity[]; relationships: Relationship[]; npcs: Npc[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Graph</CardTitle>
        <CardDescription>The campaign’s entities and how they relate; choose an NPC to see what it may know.</CardDescription>
      </CardHeader>
      <CardContent>
        {entities.length === 0 ? (
          <p className="text-sm text-muted-foreground">The graph draws itself once the campaign has entities.</p>
        ) : (
          <Suspense fallback={<Skeleton className="h-80 w-full sm:h-[28rem]" />}>
            <KnowledgeGraph entities={entities} relationships={relationships} npcs={npcs} />
          </Suspense>
        )}
      </CardContent>
    </Card>
  );
}
