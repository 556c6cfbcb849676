import { loreKind, MAX_LORE_BODY_LENGTH, MAX_LORE_TITLE_LENGTH, MAX_NEIGHBOURHOOD_DEPTH, MAX_RELATIONSHIP_TYPE_LENGTH } from '@glyphoxa/db';
import { EntityTypeSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { StrictEntityEntrySchema } from '../../campaign/yaml-format.ts';
import { EntityViewSchema, LoreDocumentViewSchema, RelationshipViewSchema, SearchHitViewSchema } from '../../views/knowledge.ts';
import { TenantIdSchema } from '../admin-schemas.ts';

/**
 * The /api/v1 knowledge bodies and queries. An entity's body is the campaign YAML
 * format's entity (one schema for a file, a form and Discord's `/entity add`); PUT
 * replaces, so it takes what POST takes. Unknown fields are refused.
 */

const Uuid = (what: string) => v.pipe(v.string(), v.uuid(`must be ${what} id (a uuid)`));
const Page = {
  offset: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0)), '0'),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
};
const Flag = v.pipe(v.picklist(['true', 'false'], 'must be true or false'), v.transform((s) => s === 'true'));

export const EntityParamsSchema = v.object({ id: TenantIdSchema, entityId: Uuid('an entity') });
export const RelationshipParamsSchema = v.object({ id: TenantIdSchema, relationshipId: Uuid('a relationship') });
export const LoreParamsSchema = v.object({ id: TenantIdSchema, documentId: Uuid('a lore document') });

export const EntityBodySchema = StrictEntityEntrySchema;
export const EntityListQuerySchema = v.strictObject({ type: v.optional(EntityTypeSchema), ...Page });
export const NeighbourhoodQuerySchema = v.strictObject({
  depth: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(MAX_NEIGHBOURHOOD_DEPTH, `must be at most ${MAX_NEIGHBOURHOOD_DEPTH}`)), '1'),
  /** Walk confirmed edges only: what NPCs may be told. */
  confirmed_only: v.optional(Flag, 'false'),
});

const RelationshipType = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.maxLength(MAX_RELATIONSHIP_TYPE_LENGTH, `must be at most ${MAX_RELATIONSHIP_TYPE_LENGTH} characters`),
);
export const RelationshipBodySchema = v.strictObject({
  source_id: Uuid('an entity'),
  target_id: Uuid('an entity'),
  type: RelationshipType,
  bidirectional: v.optional(v.boolean('must be true or false'), false),
});
export const RelationshipPatchSchema = v.pipe(
  v.strictObject({
    type: v.optional(RelationshipType),
    bidirectional: v.optional(v.boolean('must be true or false')),
    confidence: v.optional(v.pipe(v.number('must be a number'), v.minValue(0, 'must be from 0 to 1'), v.maxValue(1, 'must be from 0 to 1'))),
  }),
  v.transform(({ type, bidirectional, confidence }) => ({
    ...(type === undefined ? {} : { type }),
    ...(bidirectional === undefined ? {} : { bidirectional }),
    ...(confidence === undefined ? {} : { confidence }),
  })),
);
export const RelationshipListQuerySchema = v.strictObject({
  entity_id: v.optional(Uuid('an entity')),
  /** `false`: the proposals waiting for the DM. */
  confirmed: v.optional(Flag),
  ...Page,
});

export const LoreBodySchema = v.strictObject({
  title: v.pipe(v.string('must be text'), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(MAX_LORE_TITLE_LENGTH, `must be at most ${MAX_LORE_TITLE_LENGTH} characters`)),
  kind: v.optional(v.picklist(loreKind.enumValues, `must be one of ${loreKind.enumValues.join(', ')}`), 'lore'),
  body: v.optional(v.pipe(v.string('must be text'), v.maxLength(MAX_LORE_BODY_LENGTH, `must be at most ${MAX_LORE_BODY_LENGTH} characters`)), ''),
});
export const LoreListQuerySchema = v.strictObject({ kind: v.optional(v.picklist(loreKind.enumValues)), ...Page });

export const SearchQuerySchema = v.strictObject({
  q: v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'), v.maxLength(200, 'must be at most 200 characters')),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100)), '20'),
});

export const EntityAnswer = v.object({ entity: EntityViewSchema });
export const EntitiesAnswer = v.object({ entities: v.array(EntityViewSchema), total: v.number() });
export const NeighbourhoodAnswer = v.object({
  entities: v.array(v.object({ ...EntityViewSchema.entries, depth: v.number() })),
  relationships: v.array(RelationshipViewSchema),
});
export const RelationshipAnswer = v.object({ relationship: RelationshipViewSchema });
export const RelationshipsAnswer = v.object({ relationships: v.array(RelationshipViewSchema) });
export const LoreDocumentAnswer = v.object({ document: LoreDocumentViewSchema });
export const LoreDocumentsAnswer = v.object({ documents: v.array(LoreDocumentViewSchema) });
export const SearchAnswer = v.object({ hits: v.array(SearchHitViewSchema) });
