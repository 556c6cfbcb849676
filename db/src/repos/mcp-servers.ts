import { and, asc, count, eq } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db } from '../client.ts';
import { mcpServers, type McpServer, type NewMcpServer } from '../schema/index.ts';

export type McpServerFields = Omit<NewMcpServer, 'tenantId' | 'name' | 'createdAt' | 'updatedAt'>;

export function listMcpServers(db: Db, tenantId: string): Promise<McpServer[]> {
  return withTenant(db, tenantId, (tx) => tx.select().from(mcpServers).where(eq(mcpServers.tenantId, tenantId)).orderBy(asc(mcpServers.name)));
}

export function getMcpServer(db: Db, tenantId: string, name: string): Promise<McpServer | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name)));
    return row ?? null;
  });
}

/**
 * Sets the tenant's server `name`, replacing the one it had; a new one only while the
 * tenant has fewer than `maxServers` (null then: the caller says why).
 */
export function putMcpServer(db: Db, tenantId: string, name: string, fields: McpServerFields, maxServers: number): Promise<McpServer | null> {
  return withTenant(db, tenantId, async (tx) => {
    const [existing] = await tx.select({ name: mcpServers.name }).from(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name))).for('update');
    if (!existing) {
      const [{ n }] = (await tx.select({ n: count() }).from(mcpServers).where(eq(mcpServers.tenantId, tenantId))) as [{ n: number }];
      if (n >= maxServers) return null;
    }
    const [row] = await tx
      .insert(mcpServers)
      .values({ ...fields, tenantId, name })
      .onConflictDoUpdate({ target: [mcpServers.tenantId, mcpServers.name], set: { ...fields, updatedAt: new Date() } })
      .returning();
    return row!;
  });
}

export function deleteMcpServer(db: Db, tenantId: string, name: string): Promise<boolean> {
  return withTenant(db, tenantId, async (tx) => {
    const rows = await tx.delete(mcpServers).where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name))).returning({ name: mcpServers.name });
    return rows.length > 0;
  });
}
