import { describe, expect, it } from 'vitest';
import { createLlm, createStt, createTts } from '../src/index.ts';
import { ProviderError } from '../src/types.ts';
import { collect, endpoint, KEY } from './helpers.ts';
import { startOpenAiStandIn } from './stand-ins/index.ts';

const base = 'https://vendor.example/v1';

describe('createLlm / createStt / createTts', () => {
  it('builds the provider for each kind', () => {
    expect(['openai', 'anthropic', 'gemini'].map((kind) => createLlm(endpoint(kind, base)).name)).toEqual(['openai-llm', 'anthropic-llm', 'gemini-llm']);
    expect(['openai', 'deepgram', 'elevenlabs'].map((kind) => createStt(endpoint(kind, base)).name)).toEqual(['openai-stt', 'deepgram-stt', 'elevenlabs-stt']);
    expect(['openai', 'elevenlabs'].map((kind) => createTts(endpoint(kind, base)).name)).toEqual(['openai-tts', 'elevenlabs-tts']);
  });

  it('refuses an unknown kind, naming the known ones', () => {
    expect(() => createLlm(endpoint('mistral', base))).toThrow(new ProviderError('llm', 'unknown provider kind "mistral" (known: openai, anthropic, gemini)', false));
    expect(() => createStt(endpoint('anthropic', base))).toThrow(/unknown provider kind "anthropic" \(known: openai, deepgram, elevenlabs\)/);
    expect(() => createTts(endpoint('gemini', base))).toThrow(/unknown provider kind "gemini" \(known: openai, elevenlabs\)/);
    // Not Object.prototype's.
    expect(() => createTts(endpoint('constructor', base))).toThrow(ProviderError);
  });

  it('refuses a vendor that needs a key when none is configured, without a key in sight', () => {
    for (const [create, kind] of [[createLlm, 'anthropic'], [createLlm, 'gemini'], [createStt, 'deepgram'], [createStt, 'elevenlabs'], [createTts, 'elevenlabs']] as const) {
      expect(() => create(endpoint(kind, base, { api_key: undefined }))).toThrow(/no API key configured/);
    }
  });

  it('lets a keyless OpenAI-compatible server (Ollama, llama.cpp) be called without an Authorization header', async () => {
    const standIn = await startOpenAiStandIn({ reply: () => 'Aye.' });
    const llm = createLlm(endpoint('openai', standIn.url, { api_key: undefined }));
    const events = await collect(llm.stream({ system: '', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 10 }));

    expect(events[0]).toEqual({ type: 'text', text: 'Aye.' });
    expect(standIn.requests[0]!.headers.authorization).toBeUndefined();
    // No system message when there is no system prompt.
    expect((standIn.requests[0]!.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'Hi' }]);
    await standIn.close();
  });

  it("takes nothing from the node's environment into a tenant's call", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: 'sk-node-env', OPENAI_ORG_ID: 'org-node', OPENAI_PROJECT_ID: 'proj-node', OPENAI_BASE_URL: 'http://127.0.0.1:1' });
    const standIn = await startOpenAiStandIn({ apiKey: KEY });
    try {
      await collect(createLlm(endpoint('openai', standIn.url)).stream({ system: '', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 10 }));
      const { headers } = standIn.requests[0]!;
      expect(headers.authorization).toBe(`Bearer ${KEY}`);
      expect(headers['openai-organization']).toBeUndefined();
      expect(headers['openai-project']).toBeUndefined();
    } finally {
      process.env = saved;
      await standIn.close();
    }
  });
});
