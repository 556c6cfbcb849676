import type { ProviderEndpoint } from '@glyphoxa/protocol';
import { openAiClient } from '../openai-client.ts';
import { Resilience, VendorFailure, type ResilienceOptions } from '../resilience.ts';

/** Turns passages into vectors of one length, for similarity search. */
export interface EmbeddingsProvider {
  name: string;
  /** The endpoint's model: vectors of different models do not compare. */
  model: string;
  dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Inputs per request: OpenAI takes up to 2048, compatible servers often fewer. */
const BATCH = 64;

/**
 * `/v1/embeddings` of any OpenAI-compatible server. `dimensions` is asked for
 * (OpenAI's text-embedding-3 models shorten their vectors to it) and checked:
 * a server that answers with another length is refused, not stored.
 */
export function openAiEmbeddings(endpoint: ProviderEndpoint, dimensions: number, options?: ResilienceOptions): EmbeddingsProvider {
  const name = 'openai-embeddings';
  const client = openAiClient(endpoint);
  const resilience = new Resilience(name, options, endpoint.api_key);
  const batch = (input: string[], signal: AbortSignal | undefined) =>
    resilience.call(signal, async (inner) => {
      const reply = await client.embeddings.create({ model: endpoint.model, input, dimensions, encoding_format: 'float' }, { signal: inner });
      const vectors = [...reply.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (vectors.length !== input.length) throw new VendorFailure(`${vectors.length} embeddings for ${input.length} inputs`, false);
      const wrong = vectors.find((vector) => vector.length !== dimensions);
      if (wrong) throw new VendorFailure(`an embedding of ${wrong.length} dimensions, not ${dimensions}: the model must support "dimensions"`, false);
      return vectors;
    });
  return {
    name,
    model: endpoint.model,
    dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) vectors.push(...(await batch(texts.slice(i, i + BATCH), signal)));
      return vectors;
    },
  };
}
