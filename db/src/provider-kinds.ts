/**
 * A tenant's provider slots and the vendors each can use: plain data, no drizzle, so the
 * dashboard's forms read the same lists the table's check and the API validate with.
 */
export const PROVIDER_ROLES = ['llm', 'stt', 'tts', 'embeddings'] as const;
export type ProviderRole = (typeof PROVIDER_ROLES)[number];

/** The vendors each role can use; the admin API validates against this and so does the table. */
export const PROVIDER_KINDS = {
  llm: ['openai', 'anthropic', 'gemini'],
  stt: ['openai', 'deepgram', 'elevenlabs'],
  tts: ['elevenlabs', 'openai', 'espeak'],
  /** OpenAI-compatible `/v1/embeddings`: campaign memory, on the edge only. */
  embeddings: ['openai'],
} as const satisfies Record<ProviderRole, readonly string[]>;
