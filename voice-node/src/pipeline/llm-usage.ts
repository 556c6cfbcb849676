import type { LlmEvent, LlmRequest } from '@glyphoxa/providers';

/** Characters per token, the usual rule of thumb for English text. */
const CHARS_PER_TOKEN = 4;

/**
 * The tokens one LLM call cost: the vendor's count when it sent one, else (a call
 * cancelled mid-stream, as an answer prepared early and then dropped is) an
 * estimate from the prompt and the text received, since the vendor bills those anyway.
 */
export function createUsageCount(request: Omit<LlmRequest, 'signal'> | undefined) {
  let reported: number | undefined;
  let outputChars = 0;
  return {
    add(event: LlmEvent) {
      if (event.type === 'usage') reported = (reported ?? 0) + event.inputTokens + event.outputTokens;
      else if (event.type === 'text') outputChars += event.text.length;
    },
    tokens(): number {
      if (reported !== undefined || !request) return reported ?? 0;
      const promptChars = request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0);
      return Math.ceil(promptChars / CHARS_PER_TOKEN) + Math.ceil(outputChars / CHARS_PER_TOKEN);
    },
  };
}
