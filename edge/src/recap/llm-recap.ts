import { MAX_TEXT_LENGTH, type ProviderEndpoint } from '@glyphoxa/protocol';
import { informativeLines, type Line } from './extractive.ts';

/** About 6k tokens of transcript: long sessions are cut to their most informative lines. */
const MAX_PROMPT_CHARS = 24_000;
const MAX_RECAP_TOKENS = 600;
/** The deferred reply must be edited within Workers' 30 s after the response. */
const DEADLINE_MS = 25_000;

export interface RecapAbout {
  campaignName: string | null;
  /** The campaign's language code; without one, the table's. */
  language: string | null;
}

function systemPrompt(about: RecapAbout): string {
  return [
    'You write the recap a Dungeon Master reads out at the start of the next tabletop RPG session.',
    about.campaignName ? `The campaign is "${about.campaignName}".` : '',
    'From the transcript, tell what happened: who did what, what they learned and decided, and which threads are still open.',
    'Write two or three short paragraphs of plain prose in the past tense, under 250 words, without markdown, lists or headings.',
    about.language ? `Write in the language with the code "${about.language}".` : 'Write in the language the table speaks.',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The recap as the tenant's LLM writes it; throws if it fails or writes nothing. */
export async function llmRecap(endpoint: ProviderEndpoint, lines: readonly Line[], about: RecapAbout): Promise<string> {
  const picked = informativeLines(lines, { maxLines: lines.length, maxChars: MAX_PROMPT_CHARS });
  const transcript = picked.map((line) => `${line.speakerName}${line.npc ? ' (NPC)' : ''}: ${line.text}`).join('\n');
  // Loaded on first use: the vendor SDKs are heavy, and most requests never write a recap.
  const { createLlm } = await import('@glyphoxa/providers/llm');
  const llm = createLlm(endpoint, { timeoutMs: 15_000, retries: 1 });
  let text = '';
  const request = {
    system: systemPrompt(about),
    messages: [{ role: 'user' as const, content: `The session's transcript:\n\n${transcript}` }],
    maxTokens: MAX_RECAP_TOKENS,
    signal: AbortSignal.timeout(DEADLINE_MS),
  };
  for await (const event of llm.stream(request)) if (event.type === 'text') text += event.text;
  const recap = text.trim();
  if (!recap) throw new Error(`${llm.name} wrote an empty recap`);
  return recap.slice(0, MAX_TEXT_LENGTH);
}
