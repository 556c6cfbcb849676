export * from './types.ts';
export { CircuitBreaker } from './circuit-breaker.ts';
export { createLlm, createStt, createTts } from './create.ts';
export type { ResilienceOptions } from './resilience.ts';
