import { MAX_RELATIONSHIP_TYPE_LENGTH, type ArchivedRelationship, type CampaignArchiveContent, type EntityFields, type NpcFields } from '@glyphoxa/db';
import * as v from 'valibot';
import { checkEntries, describeIssue, readYaml } from './yaml-file.ts';
import { CAMPAIGN_ENTRIES, ENTITY_ENTRIES, Label, MAX_FILE_ENTITIES, MAX_FILE_NPCS, Name, NPC_ENTRIES, VOICE_ENTRIES } from './yaml-format.ts';

/**
 * The self-hosted product's `glyphoxa.yaml` as a campaign: its `campaign` (name, system, the
 * entity files it names) and its `npcs`, read strictly (a key the self-hosted format does not
 * have is refused with its path). The file's other sections (server, providers with their keys,
 * memory, mcp, transcript) are read past: nothing of them is imported.
 */

/** What the self-hosted format has but this platform does not keep (yet): said, not imported. */
const NOT_MIGRATED_NPC_KEYS = ['tools', 'cascade_mode', 'cascade'] as const;

const SelfHostedVoice = v.strictObject(
  {
    provider: VOICE_ENTRIES.provider,
    voice_id: VOICE_ENTRIES.voice_id,
    pitch_shift: VOICE_ENTRIES.pitch,
    // Go's zero value: 0 means the default speed, 1.
    speed_factor: v.optional(v.pipe(v.number('must be a number'), v.transform((n) => (n === 0 ? 1 : n)), v.minValue(0.5, 'must be from 0.5 to 2'), v.maxValue(2, 'must be from 0.5 to 2')), 1),
  },
  'must be a mapping with provider and voice_id',
);

const SelfHostedRelationship = v.pipe(
  v.strictObject({
    target_id: v.optional(Label),
    target_name: v.optional(Name),
    type: v.pipe(Label, v.maxLength(MAX_RELATIONSHIP_TYPE_LENGTH, `must be at most ${MAX_RELATIONSHIP_TYPE_LENGTH} characters`)),
    bidirectional: v.optional(v.boolean('must be true or false'), false),
  }),
  v.check((r) => r.target_id !== undefined || r.target_name !== undefined, 'must name its target (target_name or target_id)'),
);

const SelfHostedNpc = v.strictObject(
  {
    name: NPC_ENTRIES.name,
    personality: NPC_ENTRIES.personality,
    voice: SelfHostedVoice,
    engine: NPC_ENTRIES.engine,
    knowledge_scope: NPC_ENTRIES.knowledge_scope,
    budget_tier: NPC_ENTRIES.budget_tier,
    tools: v.optional(v.array(v.string('must be text'), 'must be a list')),
    cascade_mode: v.optional(v.string('must be text')),
    cascade: v.optional(v.record(v.string(), v.unknown(), 'must be a mapping')),
    relationships: v.optional(v.array(SelfHostedRelationship, 'must be a list'), []),
  },
  'must be a mapping with name and voice',
);
type SelfHostedNpc = v.InferOutput<typeof SelfHostedNpc>;

const SelfHostedConfig = v.strictObject(
  {
    campaign: v.strictObject(
      {
        name: CAMPAIGN_ENTRIES.name,
        system: CAMPAIGN_ENTRIES.system,
        entity_files: v.optional(v.array(v.pipe(v.string('must be text'), v.nonEmpty('must not be empty')), 'must be a list'), []),
        vtt_imports: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(0, 'are not migrated: export the VTT data as an entity file and list it in entity_files'))),
      },
      'must be a mapping with the campaign name',
    ),
    npcs: v.optional(v.pipe(v.array(v.unknown(), 'must be a list'), v.maxLength(MAX_FILE_NPCS, `must list at most ${MAX_FILE_NPCS}`)), []),
    server: v.optional(v.unknown()),
    providers: v.optional(v.unknown()),
    memory: v.optional(v.unknown()),
    mcp: v.optional(v.unknown()),
    transcript: v.optional(v.unknown()),
  },
  'must be a mapping with a campaign section',
);

/** An entity file's entry: an entity of the campaign YAML, with the `id` relationships may name it by. */
const EntityFileEntry = v.strictObject({ id: v.optional(Label), ...ENTITY_ENTRIES }, 'must be a mapping with name and type');
const EntityFile = v.union([v.array(v.unknown()), v.strictObject({ entities: v.array(v.unknown()) })], 'must be a list of entities or a mapping with entities');

export class ConfigRefused extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigRefused';
    this.problems = problems;
  }
}

/** The campaign a self-hosted config describes, and what of it was not imported (said to the operator). */
export interface SelfHostedCampaign {
  content: CampaignArchiveContent;
  notes: string[];
}

/**
 * Reads `configText`, and each entity file it names through `readFile` (paths as written,
 * relative to the config's folder). Throws ConfigRefused with every problem, each by its place.
 */
export function readSelfHostedConfig(configText: string, readFile: (path: string) => string): SelfHostedCampaign {
  const problems: string[] = [];
  const notes: string[] = [];
  const read = readYaml(configText);
  if ('problem' in read) throw new ConfigRefused([read.problem]);
  const config = v.safeParse(SelfHostedConfig, read.data);
  if (!config.success) throw new ConfigRefused(config.issues.map(describeIssue));
  const { campaign, npcs: npcList } = config.output;

  const entities: EntityFields[] = [];
  const idToName = new Map<string, string>();
  for (const path of campaign.entity_files) {
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      problems.push(`campaign.entity_files: ${path} cannot be read (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const file = readYaml(text);
    if ('problem' in file) {
      problems.push(`${path}: ${file.problem}`);
      continue;
    }
    const shape = v.safeParse(EntityFile, file.data);
    if (!shape.success) {
      problems.push(`${path}: ${shape.issues.map(describeIssue).join('; ')}`);
      continue;
    }
    const list = Array.isArray(shape.output) ? shape.output : shape.output.entities;
    const checked = checkEntries(EntityFileEntry, 'entities', list);
    problems.push(...checked.problems.map((p) => `${path}: ${p}`));
    for (const { id, ...entity } of checked.valid) {
      if (id) idToName.set(id, entity.name);
      entities.push(entity);
    }
  }

  const npcs = checkEntries(SelfHostedNpc, 'npcs', npcList);
  problems.push(...npcs.problems);
  const relationships: ArchivedRelationship[] = [];
  const entityNames = () => new Set(entities.map((e) => e.name.toLowerCase()));
  for (const npc of npcs.valid) {
    const skipped = NOT_MIGRATED_NPC_KEYS.filter((key) => npc[key] !== undefined);
    if (skipped.length > 0) notes.push(`npcs (${npc.name}): ${skipped.join(', ')} not imported (this platform does not keep them per NPC yet)`);
    if (npc.relationships.length === 0) continue;
    // Edges join entities: an NPC with relationships is one of the graph's, as an `npc` entity.
    if (!entityNames().has(npc.name.toLowerCase())) entities.push({ name: npc.name, type: 'npc', description: npc.personality, tags: [], properties: {} });
    npc.relationships.forEach((edge, index) => {
      const target = edge.target_id !== undefined ? idToName.get(edge.target_id) : edge.target_name;
      const where = `npcs (${npc.name}): relationships #${index + 1}`;
      if (target === undefined || !entityNames().has(target.toLowerCase())) return problems.push(`${where}: no entity ${edge.target_id !== undefined ? `with id ${edge.target_id}` : `named ${edge.target_name}`} in the entity files`);
      relationships.push({ from: npc.name, to: target, type: edge.type, bidirectional: edge.bidirectional, confidence: 1, source: 'import', dmConfirmed: true, session: null });
    });
  }
  if (entities.length > MAX_FILE_ENTITIES) problems.push(`campaign.entity_files: at most ${MAX_FILE_ENTITIES} entities in all`);
  const dupes = checkEntries(v.object({ name: v.string() }), 'entities', entities).problems;
  problems.push(...dupes.map((p) => `campaign.entity_files: ${p}`));
  if (problems.length > 0) throw new ConfigRefused(problems);

  return {
    content: { campaign: { name: campaign.name, gameSystem: campaign.system ?? null, language: null, description: null }, npcs: npcs.valid.map(npcOf), entities, relationships, lore: [], sessions: [] },
    notes,
  };
}

function npcOf(npc: SelfHostedNpc): NpcFields {
  return {
    name: npc.name,
    aliases: [],
    personality: npc.personality,
    voice: { provider: npc.voice.provider, voice_id: npc.voice.voice_id, pitch: npc.voice.pitch_shift, speed: npc.voice.speed_factor },
    engine: npc.engine ?? null,
    budgetTier: npc.budget_tier,
    knowledgeScope: npc.knowledge_scope,
    secretKnowledge: null,
    behaviorRules: [],
    gmHelper: false,
    mutedByDefault: false,
  };
}
