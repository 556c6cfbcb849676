import { afterEach, describe, expect, it } from 'vitest';
import { createLlm } from '../src/create-llm.ts';
import type { LlmEvent, LlmRequest } from '../src/types.ts';
import { collect, elapsed, endpoint, FAST, KEY, providerError, SHORT_TIMEOUT } from './helpers.ts';
import {
  type Prompt,
  promptTokens,
  type ReplyScript,
  type RecordedRequest,
  type StandIn,
  type StandInOptions,
  startAnthropicStandIn,
  startGeminiStandIn,
  startOpenAiStandIn,
  tokens,
} from './stand-ins/index.ts';

const REPLY = 'Well met, traveller. The north road is closed tonight.';

const request: LlmRequest = {
  system: 'You are Grom, a gruff innkeeper.',
  messages: [
    { role: 'user', content: 'Hello there.' },
    { role: 'assistant', content: 'What do you want?' },
    { role: 'user', content: 'Which road leads north?' },
  ],
  maxTokens: 120,
};

type Start = (options: StandInOptions & { reply?: ReplyScript }) => Promise<StandIn>;

const vendors: Array<{
  kind: string;
  start: Start;
  path: RegExp;
  /** A stream chunk well after the first text, to cut the stream once output reached the caller. */
  midStream: number;
  keyOf: (request: RecordedRequest) => string | undefined;
}> = [
  {
    kind: 'openai',
    start: startOpenAiStandIn,
    path: /^\/v1\/chat\/completions$/,
    midStream: 4,
    keyOf: (r) => r.headers.authorization,
  },
  {
    kind: 'anthropic',
    start: startAnthropicStandIn,
    path: /^\/v1\/messages$/,
    midStream: 6,
    keyOf: (r) => r.headers['x-api-key'] ?? r.headers.authorization,
  },
  {
    kind: 'gemini',
    start: startGeminiStandIn,
    path: /^\/v1(beta)?\/models\/model-under-test:streamGenerateContent$/,
    midStream: 2,
    keyOf: (r) => r.headers['x-goog-api-key'],
  },
];

const texts = (events: LlmEvent[]) => events.flatMap((event) => (event.type === 'text' ? [event.text] : []));

describe.each(vendors)('$kind LLM', ({ kind, start, path, midStream, keyOf }) => {
  let standIn: StandIn;
  let prompts: Prompt[];
  const open = async (options: StandInOptions = {}, resilience = FAST) => {
    prompts = [];
    standIn = await start({
      apiKey: KEY,
      reply: (prompt) => {
        prompts.push(prompt);
        return REPLY;
      },
      ...options,
    });
    return createLlm(endpoint(kind, standIn.url), resilience);
  };
  afterEach(() => standIn.close());

  it('streams the reply as deltas, in order, then one usage event with the vendor counts', async () => {
    const llm = await open();
    const events = await collect(llm.stream(request));

    expect(texts(events).join('')).toBe(REPLY);
    expect(texts(events).length).toBeGreaterThan(1);
    expect(events.slice(0, -1).every((event) => event.type === 'text')).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: promptTokens(prompts[0]!), outputTokens: tokens(REPLY).length });
    // The vendor's wire shape carried the system prompt, the turns and the limit.
    expect(prompts).toEqual([{ model: 'model-under-test', ...request, tools: [], toolChoice: 'auto', results: [] }]);
  });

  it('offers tools in its native format, streams each call whole, and goes on from the results', async () => {
    const tools = [
      { name: 'roll_dice', description: 'Roll dice', parameters: { type: 'object', properties: { notation: { type: 'string' } }, required: ['notation'] } },
      { name: 'campaign_knowledge', description: 'What you know', parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    ];
    const calls = [
      { name: 'roll_dice', arguments: { notation: '2d20kh1+5' } },
      { name: 'campaign_knowledge', arguments: { name: 'Phandalin' } },
    ];
    prompts = [];
    standIn = await start({
      apiKey: KEY,
      reply: (prompt) => {
        prompts.push(prompt);
        return prompt.results.length === 0 ? { text: 'Let me see.', calls } : `Seventeen, and ${prompt.results[1]!.content}`;
      },
    });
    const llm = createLlm(endpoint(kind, standIn.url), FAST);

    const first = await collect(llm.stream({ ...request, tools }));
    expect(texts(first).join('')).toBe('Let me see.');
    const made = first.flatMap((event) => (event.type === 'tool_call' ? [event.call] : []));
    expect(made.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(calls);
    expect(new Set(made.map((call) => call.id)).size).toBe(2);
    expect(first.at(-1)!.type).toBe('usage');
    expect(prompts[0]!.tools).toEqual(['roll_dice', 'campaign_knowledge']);

    const results = [
      { id: made[0]!.id, name: 'roll_dice', content: '{"total":17}', isError: false },
      { id: made[1]!.id, name: 'campaign_knowledge', content: 'Nothing is known about Phandalin', isError: true },
    ];
    const second = await collect(llm.stream({ ...request, tools, rounds: [{ text: 'Let me see.', calls: made, results }] }));
    expect(second.some((event) => event.type === 'tool_call')).toBe(false);
    expect(texts(second).join('')).toBe(`Seventeen, and ${prompts[1]!.results[1]!.content}`);
    // The conversation went on after the player's turn: the round's text, then each result, named.
    expect(prompts[1]!.messages.slice(0, 3)).toEqual(request.messages);
    expect(prompts[1]!.results.map((r) => r.name)).toEqual(['roll_dice', 'campaign_knowledge']);
    expect(prompts.map((p) => p.toolChoice)).toEqual(['auto', 'auto']);
    expect(prompts[1]!.results[0]!.content).toBe('{"total":17}');
    // A failed call reads as one: by the vendor's flag, or (OpenAI has none) in its text.
    const failed = prompts[1]!.results[1]!;
    expect(failed.isError || failed.content === 'Error: Nothing is known about Phandalin').toBe(true);
    expect(failed.content).toContain('Nothing is known about Phandalin');

    // Told to answer in words: the tools stay declared (the rounds name them), no call may come.
    await collect(llm.stream({ ...request, tools, toolChoice: 'none', rounds: [{ text: 'Let me see.', calls: made, results }] }));
    expect(prompts[2]).toMatchObject({ tools: ['roll_dice', 'campaign_knowledge'], toolChoice: 'none' });
  });

  it('calls the base URL it was given, with the key in the vendor header', async () => {
    const llm = await open();
    await collect(llm.stream(request));

    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]!.path).toMatch(path);
    expect(keyOf(standIn.requests[0]!)).toMatch(new RegExp(`^(Bearer )?${KEY}$`));
  });

  it('passes deltas on as they arrive', async () => {
    const llm = await open({ latency: { firstByteMs: 0, chunkMs: 40 } });
    const arrivals: number[] = [];
    const begin = performance.now();
    for await (const event of llm.stream(request)) if (event.type === 'text') arrivals.push(performance.now() - begin);

    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(100);
  });

  it('retries a 503 and then streams the reply once', async () => {
    const llm = await open();
    standIn.fail({ status: 503 });
    const events = await collect(llm.stream(request));

    expect(texts(events).join('')).toBe(REPLY);
    expect(standIn.requests).toHaveLength(2);
  });

  it('does not retry once output reached the caller', async () => {
    const llm = await open({ latency: { firstByteMs: 0, chunkMs: 20 } });
    standIn.fail({ dropAfterChunks: midStream });
    const seen: LlmEvent[] = [];
    const error = await providerError(collect(llm.stream(request), seen));

    expect(error.retryable).toBe(false);
    expect(texts(seen).length).toBeGreaterThan(0);
    expect(REPLY.startsWith(texts(seen).join(''))).toBe(true);
    expect(standIn.requests).toHaveLength(1);
  });

  it('times out on a server that never answers', async () => {
    const llm = await open({}, SHORT_TIMEOUT);
    standIn.fail({ hang: true }, { hang: true });
    let error: Error | undefined;
    const took = await elapsed(async () => {
      error = await providerError(collect(llm.stream(request)));
    });

    expect(error).toMatchObject({ retryable: true, message: `${kind}-llm: no response within 200 ms` });
    expect(standIn.requests).toHaveLength(2);
  });

  it('opens the circuit after repeated failures and then fails fast', async () => {
    standIn = await start({});
    const llm = createLlm(endpoint(kind, standIn.url), { ...FAST, retries: 0, breakerThreshold: 2 });
    standIn.fail({ status: 500 }, { status: 500 });
    await providerError(collect(llm.stream(request)));
    await providerError(collect(llm.stream(request)));
    const error = await providerError(collect(llm.stream(request)));

    expect(error.message).toBe(`${kind}-llm: temporarily unavailable after repeated failures`);
    expect(standIn.requests).toHaveLength(2);
  });

  it('does not retry a refused key, nor repeat it in the error', async () => {
    standIn = await start({ apiKey: 'the-right-key' });
    const llm = createLlm(endpoint(kind, standIn.url), FAST);
    const error = await providerError(collect(llm.stream(request)));

    expect(error).toMatchObject({ provider: `${kind}-llm`, retryable: false });
    expect(error.message).toMatch(/HTTP 401/);
    expect(standIn.requests).toHaveLength(1);
  });

  it("ends with the caller's abort, without retrying or failing the provider", async () => {
    const llm = await open({ latency: { firstByteMs: 0, chunkMs: 30 } });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    const stream = llm.stream({ ...request, signal: controller.signal });
    const outcome = (async () => {
      for await (const event of stream) {
        seen.push(event);
        controller.abort();
      }
    })();

    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
    expect(standIn.requests).toHaveLength(1);
  });
});
