import { asc, eq } from 'drizzle-orm';
import { asOperator } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { voiceNodes, type VoiceNode } from '../schema/index.ts';

/** The voice-node registry is the operator's: nodes serve pools, not a tenant's requests. */
export function insertNode(db: Db, node: { id: string; pool: string; tokenHash: string }): Promise<VoiceNode> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.insert(voiceNodes).values(node).returning();
    return row!;
  });
}

export function getNode(db: Db, nodeId: string): Promise<VoiceNode | null> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.select().from(voiceNodes).where(eq(voiceNodes.id, nodeId));
    return row ?? null;
  });
}

export function listNodes(db: Db): Promise<VoiceNode[]> {
  return asOperator(db, (tx) => tx.select().from(voiceNodes).orderBy(asc(voiceNodes.pool), asc(voiceNodes.id)));
}

export function updateNode(
  db: Db,
  nodeId: string,
  changes: Partial<Pick<VoiceNode, 'draining' | 'version' | 'region' | 'capacity' | 'lastSeenAt'>>,
): Promise<VoiceNode | null> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.update(voiceNodes).set(changes).where(eq(voiceNodes.id, nodeId)).returning();
    return row ?? null;
  });
}

export function deleteNode(db: Db, nodeId: string): Promise<VoiceNode | null> {
  return asOperator(db, async (tx) => {
    const [row] = await tx.delete(voiceNodes).where(eq(voiceNodes.id, nodeId)).returning();
    return row ?? null;
  });
}

/** A dedicated pool's nodes go with its tenant. */
export function deletePoolNodes(db: Db, pool: string): Promise<VoiceNode[]> {
  return asOperator(db, (tx) => tx.delete(voiceNodes).where(eq(voiceNodes.pool, pool)).returning());
}
