import * as v from 'valibot';
import { IdSchema, TextSchema } from './fields.ts';
import { MAX_LIST_LENGTH } from './limits.ts';
import { MAX_NPC_TOOLS, NpcToolSchema } from './npc-tools.ts';

export const VoiceSchema = v.object({
  provider: IdSchema,
  voice_id: IdSchema,
  pitch: v.pipe(v.number(), v.minValue(-10), v.maxValue(10)),
  speed: v.pipe(v.number(), v.minValue(0.5), v.maxValue(2)),
});
export type Voice = v.InferOutput<typeof VoiceSchema>;

/** An NPC as a session runs it, loaded fresh from Postgres for each assignment. */
export const NpcDefinitionSchema = v.object({
  id: IdSchema,
  name: IdSchema,
  aliases: v.pipe(v.array(IdSchema), v.maxLength(MAX_LIST_LENGTH)),
  personality: TextSchema,
  voice: VoiceSchema,
  engine: v.optional(IdSchema),
  budget_tier: v.picklist(['fast', 'standard', 'deep']),
  gm_helper: v.boolean(),
  muted: v.boolean(),
  /**
   * Topics the NPC knows about: campaign facts named, typed or tagged so. Empty:
   * common knowledge (every fact not tagged secret). Optional, so either side
   * may be the older one during a rollout.
   */
  knowledge_scope: v.optional(v.pipe(v.array(IdSchema), v.maxLength(MAX_LIST_LENGTH)), []),
  /** What only this NPC knows; never part of another NPC's context. */
  secret_knowledge: v.optional(TextSchema),
  /** The DM's rules for how it behaves ("never reveals the vault"). */
  behavior_rules: v.optional(v.pipe(v.array(TextSchema), v.maxLength(MAX_LIST_LENGTH)), []),
  /** The tools (`/mcp`) the NPC may call mid-turn; none: it answers from its context alone. */
  tools: v.optional(v.pipe(v.array(NpcToolSchema), v.maxLength(MAX_NPC_TOOLS)), []),
});
export type NpcDefinition = v.InferOutput<typeof NpcDefinitionSchema>;

/** `data` of a successful `npc_command` `list` reply. */
export const NpcListDataSchema = v.object({
  npcs: v.array(v.object({ name: IdSchema, muted: v.boolean() })),
});
export type NpcListData = v.InferOutput<typeof NpcListDataSchema>;

/** `data` of a successful `npc_command` `speak` reply. */
export const NpcSpeakDataSchema = v.object({ queued: v.literal(true) });
export type NpcSpeakData = v.InferOutput<typeof NpcSpeakDataSchema>;
