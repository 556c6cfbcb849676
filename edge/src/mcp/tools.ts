import { MAX_NEIGHBOURHOOD_DEPTH, MAX_RELATIONSHIP_TYPE_LENGTH } from '@glyphoxa/db';
import type { NpcToolName } from '@glyphoxa/protocol';
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import type { NpcToolCaller } from '../auth/npc-tool-token.ts';
import { campaignKnowledge, lookupRule, recentTranscript, remember, rollDice } from '../operations/npc-tools.ts';
import type { OperationContext } from '../operations/context.ts';

/** One MCP tool: its name and description for the model, its input schema, and the operation it calls. */
interface NpcTool<S extends v.GenericSchema> {
  /** One of the protocol's NPC_TOOL_NAMES: the names an NPC's `tools` may list. */
  name: NpcToolName;
  description: string;
  /** Reads only: safe to start before the rate limit's verdict (routes/mcp.ts). */
  readOnly: boolean;
  input: S;
  run: (ctx: OperationContext, caller: NpcToolCaller, input: v.InferOutput<S>) => unknown;
}

const tool = <S extends v.GenericSchema>(t: NpcTool<S>) => t as unknown as NpcTool<v.GenericSchema>;

/** The edge's own tools, as every NPC's MCP server lists them. */
export const NPC_TOOLS = [
  tool({
    name: 'roll_dice',
    readOnly: true,
    description: 'Roll dice in standard notation: 2d20kh1+5 (advantage), 4d6dl1, d% (percentile), 3d6! (exploding). Returns each die and the total.',
    input: v.object({ notation: v.pipe(v.string(), v.minLength(1), v.maxLength(100), v.description('Dice notation, for example 1d20+3')) }),
    run: (_ctx, _caller, input) => rollDice(input),
  }),
  tool({
    name: 'lookup_rule',
    readOnly: true,
    description: "Search the campaign's rules and lore documents; returns the best passages with their source document.",
    input: v.object({ query: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.description('Words to search for, for example "grapple"')) }),
    run: lookupRule,
  }),
  tool({
    name: 'campaign_knowledge',
    readOnly: true,
    description: 'What you know about a person, place, item or faction of the campaign by its name, and what it is connected to.',
    input: v.object({
      name: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.description('The name, for example "Phandalin"')),
      depth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_NEIGHBOURHOOD_DEPTH), v.description('How many steps of connections to follow')), 1),
    }),
    run: campaignKnowledge,
  }),
  tool({
    name: 'recent_transcript',
    readOnly: true,
    description: 'What was said in this session in the last few minutes, oldest first.',
    input: v.object({ minutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(120), v.description('How many minutes back')) }),
    run: recentTranscript,
  }),
  tool({
    name: 'remember',
    readOnly: false,
    description: 'Propose a new fact linking two known things (source, relationship, target), for the DM to confirm later.',
    input: v.object({
      source: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.description('The first thing, by name')),
      type: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_RELATIONSHIP_TYPE_LENGTH), v.description('How they relate, for example "ally_of" or "lives_in"')),
      target: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.description('The second thing, by name')),
    }),
    run: remember,
  }),
];

/** The `tools/list` entries: input schemas generated from the valibot schemas that check the calls. */
export const NPC_TOOL_LIST = NPC_TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: toJsonSchema(t.input) as { type: 'object'; [key: string]: unknown } }));
