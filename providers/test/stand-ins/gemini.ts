/**
 * Google's Gemini API, streamed: `POST /v1[beta]/models/{model}:streamGenerateContent?alt=sse`
 * answers `data:` events, each a GenerateContentResponse with a few tokens of text;
 * usage grows as it goes and the last one carries `finishReason` and the full count.
 */
import { echoReply, promptTokens, type Prompt, type PromptToolResult, type ReplyScript, scripted, tokens } from './script.ts';
import { type Reply, StandIn, type StandInOptions } from './server.ts';

export interface GeminiStandInOptions extends StandInOptions {
  reply?: ReplyScript;
  /** Tokens per streamed response (Gemini sends text in runs, not token by token). */
  tokensPerChunk?: number;
}

interface Part {
  text?: string;
  functionCall?: { id?: string; name: string; args?: unknown };
  functionResponse?: { id?: string; name: string; response?: { output?: unknown; error?: unknown } };
  thoughtSignature?: string;
}

interface Content {
  role?: string;
  parts?: Part[];
}

interface GenerateBody {
  contents?: Content[];
  systemInstruction?: Content;
  generationConfig?: { maxOutputTokens?: number };
  tools?: Array<{ functionDeclarations?: Array<{ name: string }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string } };
}

/** What this stand-in signs its function calls with; a call sent back without it is refused, as Gemini 3 refuses one. */
const SIGNATURE = 'c3RhbmQtaW4tdGhvdWdodA==';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Both API versions serve it; the SDK picks one. */
const ROUTE = /^\/v1(?:beta)?\/models\/([^/:]+):streamGenerateContent$/;

export function startGeminiStandIn(options: GeminiStandInOptions = {}): Promise<StandIn> {
  const reply = options.reply ?? echoReply;
  const perChunk = options.tokensPerChunk ?? 2;
  return StandIn.start(
    {
      keyOf: (request) => request.headers['x-goog-api-key'] ?? request.query.key,
      errorBody: (status, message) => ({ error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } }),
      handle(request) {
        const model = request.method === 'POST' ? ROUTE.exec(request.path)?.[1] : undefined;
        if (!model) throw new Error(`unknown route ${request.method} ${request.path}`);
        if (request.query.alt !== 'sse') throw new Error('this stand-in streams server-sent events only (alt=sse)');
        return generate(model, request.body as GenerateBody, reply, perChunk);
      },
    },
    options,
  );
}

const text = (content: Content | undefined) => content?.parts?.map((part) => part.text ?? '').join('') ?? '';

/** Tool results: `functionResponse` parts, after checking every earlier `functionCall` came back signed. */
function toolResults(contents: Content[]): PromptToolResult[] {
  const parts = contents.flatMap((content) => content.parts ?? []);
  for (const part of parts) {
    if (part.functionCall && part.thoughtSignature !== SIGNATURE) throw new Error(`Function call ${part.functionCall.name} is missing its thought_signature`);
  }
  return parts.flatMap((part) => {
    const response = part.functionResponse;
    if (!response) return [];
    const isError = response.response?.error !== undefined;
    const value = isError ? response.response?.error : response.response?.output;
    return [{ name: response.name, content: typeof value === 'string' ? value : JSON.stringify(value ?? null), isError }];
  });
}

function generate(model: string, body: GenerateBody, reply: ReplyScript, perChunk: number): Reply {
  if (!Array.isArray(body.contents) || body.contents.length === 0) throw new Error('contents is required');
  const prompt: Prompt = {
    model,
    system: text(body.systemInstruction),
    messages: body.contents.map((content) => ({ role: content.role === 'model' ? 'assistant' : 'user', content: text(content) })),
    maxTokens: body.generationConfig?.maxOutputTokens ?? Infinity,
    tools: (body.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((declaration) => declaration.name)),
    toolChoice: body.toolConfig?.functionCallingConfig?.mode === 'NONE' ? 'none' : 'auto',
    results: toolResults(body.contents),
  };
  const answer = scripted(reply, prompt);
  const pieces = tokens(answer.text);
  // Each call whole in one part of the last response, unnumbered (the Gemini API gives no ids), signed.
  const callParts: Part[] = answer.calls.map((call) => ({ functionCall: { name: call.name, args: call.arguments }, thoughtSignature: SIGNATURE }));
  const input = promptTokens(prompt);
  const chunks: string[] = [];
  for (let start = 0; start < pieces.length || start === 0; start += perChunk) {
    const end = Math.min(pieces.length, start + perChunk);
    const last = end >= pieces.length;
    const response = {
      candidates: [
        {
          content: { parts: [...(start < end || callParts.length === 0 ? [{ text: pieces.slice(start, end).join('') }] : []), ...(last ? callParts : [])], role: 'model' },
          ...(last ? { finishReason: 'STOP' } : {}),
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: input, candidatesTokenCount: end + (last ? callParts.length : 0), totalTokenCount: input + end + (last ? callParts.length : 0) },
      modelVersion: model,
      responseId: 'stand-in',
    };
    chunks.push(`data: ${JSON.stringify(response)}\r\n\r\n`);
  }
  return { chunks, contentType: 'text/event-stream' };
}
