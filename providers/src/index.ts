export * from './types.ts';
export { CircuitBreaker } from './circuit-breaker.ts';
export { createLlm } from './create-llm.ts';
export { createStt, createTts } from './create-speech.ts';
export type { ResilienceOptions } from './resilience.ts';
export { openAiEmbeddings, type EmbeddingsProvider } from './embeddings/openai.ts';
