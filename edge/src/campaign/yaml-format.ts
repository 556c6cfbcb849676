// Types only from the db package: the dashboard's forms import this module, and its code is Node's.
import type { CampaignFields, EntityFields, NpcFields } from '@glyphoxa/db';
import { boundedJsonObject, EntityTypeSchema, MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_JSON_FIELD_BYTES, MAX_TEXT_LENGTH, MAX_NPC_TOOLS, NpcDefinitionSchema, NpcToolSchema, VoiceSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';

/**
 * The campaign YAML format (docs/CAMPAIGN_YAML.md), one schema for every way a
 * file comes in: `/campaign load` reads all of it, `/entity import` its
 * entities, `/entity add` one entity typed into a form. Each part's output is
 * the row it becomes, so what is validated is what is stored.
 */

/** At most this many per file: every NPC goes along into each session. */
export const MAX_FILE_NPCS = 100;
export const MAX_FILE_ENTITIES = 5000;
const MAX_LABELS = 100;

export const Name = v.pipe(v.string('must be text'), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`));
const Text = v.pipe(v.string('must be text'), v.trim(), v.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`));
/** Tags, aliases, topics, a game system: short labels. */
export const Label = v.pipe(v.string('must be text'), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`));
const Labels = v.optional(v.pipe(v.array(Label, 'must be a list'), v.maxLength(MAX_LABELS, `must list at most ${MAX_LABELS}`)), []);
const Flag = v.optional(v.boolean('must be true or false'), false);

const ENTITY_TYPES = EntityTypeSchema.options.join(', ');
const EntityType = v.pipe(v.string('must be text'), v.trim(), v.toLowerCase(), v.picklist(EntityTypeSchema.options, `must be one of ${ENTITY_TYPES}`));

/** An entity's fields, shared by a file's entries and the API's bodies. */
export const ENTITY_ENTRIES = {
  name: Name,
  type: EntityType,
  description: v.optional(Text, ''),
  tags: Labels,
  properties: v.optional(boundedJsonObject(MAX_JSON_FIELD_BYTES), {}),
};
const ENTITY_MESSAGE = 'must be a mapping with name and type';
const entityFields = (e: v.InferOutput<v.ObjectSchema<typeof ENTITY_ENTRIES, undefined>>): EntityFields => e;

export const EntityEntrySchema = v.pipe(v.object(ENTITY_ENTRIES, ENTITY_MESSAGE), v.transform(entityFields));
/** The same, refusing fields it does not know (an API body, an archive's knowledge graph). */
export const StrictEntityEntrySchema = v.pipe(v.strictObject(ENTITY_ENTRIES, ENTITY_MESSAGE), v.transform(entityFields));

const range = (min: number, max: number) =>
  v.pipe(v.number('must be a number'), v.minValue(min, `must be from ${min} to ${max}`), v.maxValue(max, `must be from ${min} to ${max}`));

/** The protocol's voice, with pitch and speed optional (0 and 1). */
export const VOICE_ENTRIES = {
  provider: Label,
  voice_id: Label,
  pitch: v.optional(range(-10, 10), 0),
  speed: v.optional(range(0.5, 2), 1),
};
const VOICE_MESSAGE = 'must be a mapping with provider and voice_id';
const VoiceEntry = v.object(VOICE_ENTRIES, VOICE_MESSAGE) satisfies v.GenericSchema<unknown, v.InferOutput<typeof VoiceSchema>>;
/** The same, refusing fields it does not know (an API body; a file's extra keys are left out). */
export const StrictVoiceEntry = v.strictObject(VOICE_ENTRIES, VOICE_MESSAGE);

const BUDGET_TIERS = NpcDefinitionSchema.entries.budget_tier.options;

/** An NPC's fields as a file (or an API body) spells them. */
export const NPC_ENTRIES = {
  name: Name,
  aliases: Labels,
  personality: v.optional(Text, ''),
  voice: VoiceEntry,
  engine: v.optional(Label),
  budget_tier: v.optional(v.picklist(BUDGET_TIERS, `must be one of ${BUDGET_TIERS.join(', ')}`), 'fast'),
  knowledge_scope: Labels,
  secret_knowledge: v.optional(Text),
  behavior_rules: v.optional(v.pipe(v.array(Text, 'must be a list'), v.maxLength(MAX_LABELS, `must list at most ${MAX_LABELS}`)), []),
  gm_helper: Flag,
  muted_by_default: Flag,
  /** The tools it may call while it talks (docs/MCP.md), each once. */
  tools: v.optional(
    v.pipe(
      v.array(NpcToolSchema, 'must be a list'),
      v.maxLength(MAX_NPC_TOOLS, `must list at most ${MAX_NPC_TOOLS}`),
      v.check((tools) => new Set(tools).size === tools.length, 'must name each tool once'),
    ),
    [],
  ),
};

type NpcEntry = v.InferOutput<v.ObjectSchema<typeof NPC_ENTRIES, undefined>>;

/** The row an NPC entry becomes. */
export function npcFields(n: NpcEntry): NpcFields {
  return {
    name: n.name,
    aliases: n.aliases,
    personality: n.personality,
    voice: n.voice,
    engine: n.engine ?? null,
    budgetTier: n.budget_tier,
    knowledgeScope: n.knowledge_scope,
    secretKnowledge: n.secret_knowledge ?? null,
    behaviorRules: n.behavior_rules,
    gmHelper: n.gm_helper,
    mutedByDefault: n.muted_by_default,
    tools: n.tools,
  };
}

export const NPC_MESSAGE = 'must be a mapping with name and voice';
export const NpcEntrySchema = v.pipe(v.object(NPC_ENTRIES, NPC_MESSAGE), v.transform(npcFields));

/** A list of entries, each checked on its own so that one bad entry is reported by its place, not the whole list. */
const Entries = (max: number) => v.optional(v.pipe(v.array(v.unknown(), 'must be a list'), v.maxLength(max, `must list at most ${max}`)), []);

/** A campaign's own fields as a file (or an API body) spells them. */
export const CAMPAIGN_ENTRIES = {
  name: Name,
  system: v.optional(Label),
  language: v.optional(v.pipe(v.string('must be text'), v.trim(), v.regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, 'must be a language code such as en or de-AT'))),
  description: v.optional(Text),
};

/** The whole file: the campaign's own fields, then its NPCs and entities (checked entry by entry). */
export const CampaignFileSchema = v.object(
  { ...CAMPAIGN_ENTRIES, npcs: Entries(MAX_FILE_NPCS), entities: Entries(MAX_FILE_ENTITIES) },
  'must be a mapping with the campaign name',
);

export function campaignFields(file: v.InferOutput<v.ObjectSchema<typeof CAMPAIGN_ENTRIES, undefined>>): CampaignFields {
  return { name: file.name, gameSystem: file.system ?? null, language: file.language ?? null, description: file.description ?? null };
}

/** A campaign's own fields refusing keys they do not know: an API body, an archive's metadata. */
export const StrictCampaignEntrySchema = v.pipe(v.strictObject(CAMPAIGN_ENTRIES), v.transform(campaignFields));
/** An NPC refusing keys it does not know: an API body, an archive's NPC file. */
export const StrictNpcEntrySchema = v.pipe(v.strictObject({ ...NPC_ENTRIES, voice: StrictVoiceEntry }, NPC_MESSAGE), v.transform(npcFields));
