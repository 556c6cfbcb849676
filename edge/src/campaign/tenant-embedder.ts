import { EMBEDDING_DIMENSIONS, type Embedder, type TenantProvider } from '@glyphoxa/db';
import { embeddingsEndpoint } from '../secrets/provider-keys.ts';

/**
 * The tenant's embeddings provider among its `providers` rows (its key opened here, never
 * sent on), or null when it has none. The client is loaded on first use: most requests never embed.
 */
export async function tenantEmbedder(secretKeys: string, providers: readonly TenantProvider[]): Promise<Embedder | null> {
  const endpoint = await embeddingsEndpoint(secretKeys, providers);
  if (!endpoint) return null;
  const { openAiEmbeddings } = await import('@glyphoxa/providers/embeddings');
  return openAiEmbeddings(endpoint, EMBEDDING_DIMENSIONS, { timeoutMs: 10_000, retries: 1 });
}
