import type { LlmEvent, LlmProvider, LlmRequest, LlmTool, LlmToolCall, ToolRound } from '@glyphoxa/providers';
import type { ToolOutcome } from '../npc-tools/npc-toolbelt.ts';

/** What an NPC says while a tool runs, by tool: short, so the result rarely waits for it. */
const FILLERS: Record<string, string> = {
  roll_dice: 'Let me roll for it...',
  lookup_rule: 'Let me check my ledger...',
  campaign_knowledge: 'Let me think on that...',
  recent_transcript: 'Now, what was said...',
  remember: 'I will remember that...',
};
const DEFAULT_FILLER = 'One moment...';

/** The tools of one NPC's turn. */
export interface TurnTools {
  /** What to offer the model: the NPC's allowed tools that the edge serves (listed once a session). */
  offer: () => Promise<LlmTool[]>;
  run(call: LlmToolCall, signal: AbortSignal): Promise<ToolOutcome>;
  /** Rounds of calls before the model must answer in words. */
  maxRounds: number;
  /** A round still running after this long gets a filler line. */
  fillerAfterMs: number;
  /** Each call with its outcome, once it is back (a transcript tool event). */
  onCall(call: LlmToolCall, outcome: ToolOutcome): void;
  /**
   * Calls wait for this: an answer prepared early runs its tools only once it is sure to be
   * heard, so one dropped unheard has rolled no dice and proposed no facts.
   */
  ready?: Promise<void>;
}

/**
 * The model's reply to one turn, its tool rounds included: text streams on as it comes;
 * when the model calls tools, they run (in parallel) and the model is asked again with
 * their results, up to `maxRounds`; the last call forbids tools, so the turn always ends
 * in words. A round that runs past `fillerAfterMs` without the model having said anything
 * yet gets a filler line (`say`), which a result coming first cancels.
 */
export async function* replyWithTools(
  llm: LlmProvider,
  request: Omit<LlmRequest, 'signal'>,
  tools: TurnTools | undefined,
  signal: AbortSignal,
  say: (line: string) => void,
): AsyncGenerator<Exclude<LlmEvent, { type: 'tool_call' }>> {
  const rounds: ToolRound[] = [];
  const offer = (await tools?.offer()) ?? [];
  const offered = tools && offer.length > 0 ? { ...tools, offer } : undefined;
  for (;;) {
    const last = !offered || rounds.length >= offered.maxRounds;
    const withTools = offered ? { tools: offered.offer, toolChoice: last ? ('none' as const) : ('auto' as const), rounds: [...rounds] } : {};
    let text = '';
    const calls: LlmToolCall[] = [];
    for await (const event of llm.stream({ ...request, ...withTools, signal })) {
      if (event.type === 'tool_call') calls.push(event.call);
      else {
        if (event.type === 'text') text += event.text;
        yield event;
      }
    }
    if (!offered || last || calls.length === 0 || signal.aborted) return;
    if (!(await readyOrAborted(offered.ready, signal))) return;
    const said = rounds.some((round) => round.text.trim() !== '') || text.trim() !== '';
    const filler = said ? undefined : setTimeout(() => say(FILLERS[calls[0]!.name] ?? DEFAULT_FILLER), offered.fillerAfterMs);
    try {
      const results = await Promise.all(
        calls.map(async (call) => {
          const outcome = await offered.run(call, signal);
          offered.onCall(call, outcome);
          return { id: call.id, name: call.name, content: outcome.content, isError: outcome.isError };
        }),
      );
      rounds.push({ text, calls, results });
    } finally {
      clearTimeout(filler);
    }
  }
}

/** True once `ready` resolves (at once without one); false if the turn is aborted first. */
function readyOrAborted(ready: Promise<void> | undefined, signal: AbortSignal): Promise<boolean> {
  if (!ready) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    const abort = () => resolve(false);
    signal.addEventListener('abort', abort, { once: true });
    void ready.then(
      () => {
        signal.removeEventListener('abort', abort);
        resolve(!signal.aborted);
      },
      abort,
    );
  });
}
