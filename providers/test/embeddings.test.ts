import { afterEach, describe, expect, it } from 'vitest';
import { openAiEmbeddings } from '../src/embeddings/openai.ts';
import { endpoint, FAST, KEY, providerError } from './helpers.ts';
import { bagOfWords, startOpenAiStandIn, type StandIn } from './stand-ins/index.ts';

const DIMENSIONS = 256;

describe('OpenAI-compatible embeddings', () => {
  let standIn: StandIn;
  afterEach(() => standIn.close());

  it('asks for the dimensions and returns one vector per text, in order, with the key sent', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    const embeddings = openAiEmbeddings(endpoint('openai', standIn.url), DIMENSIONS, FAST);
    const texts = ['The dwarves of Ironhold', 'A dragon sleeps under the mountain'];

    const vectors = await embeddings.embed(texts);

    expect(vectors).toEqual(texts.map((text) => bagOfWords(text, DIMENSIONS)));
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      headers: { authorization: `Bearer ${KEY}` },
      body: { model: 'model-under-test', input: texts, dimensions: DIMENSIONS, encoding_format: 'float' },
    });
    expect(embeddings).toMatchObject({ model: 'model-under-test', dimensions: DIMENSIONS });
  });

  it('sends many texts in batches and keeps their order', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    const texts = Array.from({ length: 150 }, (_, i) => `passage number ${i}`);

    const vectors = await openAiEmbeddings(endpoint('openai', standIn.url), DIMENSIONS, FAST).embed(texts);

    expect(vectors).toEqual(texts.map((text) => bagOfWords(text, DIMENSIONS)));
    expect(standIn.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([64, 64, 22]);
  });

  it('refuses vectors of another length than asked, without retrying', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY, embeddingLength: 1536 });
    const error = await providerError(openAiEmbeddings(endpoint('openai', standIn.url), DIMENSIONS, FAST).embed(['hello']));

    expect(error.message).toMatch(/1536 dimensions, not 256/);
    expect(error.retryable).toBe(false);
    expect(standIn.requests).toHaveLength(1);
  });

  it('retries a 503 once and then answers', async () => {
    standIn = await startOpenAiStandIn({ apiKey: KEY });
    standIn.fail({ status: 503 });

    expect(await openAiEmbeddings(endpoint('openai', standIn.url), DIMENSIONS, FAST).embed(['hello'])).toEqual([bagOfWords('hello', DIMENSIONS)]);
    expect(standIn.requests).toHaveLength(2);
  });

  it('reports a refused key as a provider error that names no key', async () => {
    standIn = await startOpenAiStandIn({ apiKey: 'another-key' });
    const error = await providerError(openAiEmbeddings(endpoint('openai', standIn.url), DIMENSIONS, FAST).embed(['hello']));

    expect(error.status).toBe(401);
  });
});
