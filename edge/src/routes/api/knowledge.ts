import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { createEntity, deleteEntity, entityNeighbourhood, getEntity, listEntities, searchKnowledge, updateEntity } from '../../operations/knowledge/entities.ts';
import { createLoreDocument, deleteLoreDocument, getLoreDocument, listLoreDocuments, updateLoreDocument } from '../../operations/knowledge/lore.ts';
import { acceptRelationship, createRelationship, deleteRelationship, listRelationships, updateRelationship } from '../../operations/knowledge/relationships.ts';
import { CampaignParamsSchema, DeletedAnswer } from './campaign-schemas.ts';
import { answers, input } from './contract.ts';
import {
  EntitiesAnswer,
  EntityAnswer,
  EntityBodySchema,
  EntityListQuerySchema,
  EntityParamsSchema,
  LoreBodySchema,
  LoreDocumentAnswer,
  LoreDocumentsAnswer,
  LoreListQuerySchema,
  LoreParamsSchema,
  NeighbourhoodAnswer,
  NeighbourhoodQuerySchema,
  RelationshipAnswer,
  RelationshipBodySchema,
  RelationshipListQuerySchema,
  RelationshipParamsSchema,
  RelationshipPatchSchema,
  RelationshipsAnswer,
  SearchAnswer,
  SearchQuerySchema,
} from './knowledge-schemas.ts';

/** A campaign's knowledge: entities, relationships and their proposals, lore documents, search; over operations/knowledge/. */
export function knowledgeRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/campaigns/:campaignId/entities', answers("List a campaign's entities", 200, EntitiesAnswer), input('param', CampaignParamsSchema), input('query', EntityListQuerySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json(await listEntities(httpContext(c), c.var.principal, id, campaignId, c.req.valid('query')));
    })
    .post('/tenants/:id/campaigns/:campaignId/entities', answers('Create an entity', 201, EntityAnswer), input('param', CampaignParamsSchema), input('json', EntityBodySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ entity: await createEntity(httpContext(c), c.var.principal, id, campaignId, c.req.valid('json')) }, 201);
    })
    .get('/tenants/:id/entities/:entityId', answers('Get an entity', 200, EntityAnswer), input('param', EntityParamsSchema), async (c) => {
      const { id, entityId } = c.req.valid('param');
      return c.json({ entity: await getEntity(httpContext(c), c.var.principal, id, entityId) });
    })
    .put('/tenants/:id/entities/:entityId', answers('Replace an entity', 200, EntityAnswer), input('param', EntityParamsSchema), input('json', EntityBodySchema), async (c) => {
      const { id, entityId } = c.req.valid('param');
      return c.json({ entity: await updateEntity(httpContext(c), c.var.principal, id, entityId, c.req.valid('json')) });
    })
    .delete('/tenants/:id/entities/:entityId', answers('Delete an entity and its relationships', 200, DeletedAnswer), input('param', EntityParamsSchema), async (c) => {
      const { id, entityId } = c.req.valid('param');
      await deleteEntity(httpContext(c), c.var.principal, id, entityId);
      return c.json({ deleted: true as const });
    })
    .get('/tenants/:id/entities/:entityId/neighbourhood', answers("An entity's neighbourhood (depth at most 3)", 200, NeighbourhoodAnswer), input('param', EntityParamsSchema), input('query', NeighbourhoodQuerySchema), async (c) => {
      const { id, entityId } = c.req.valid('param');
      const { depth, confirmed_only } = c.req.valid('query');
      return c.json(await entityNeighbourhood(httpContext(c), c.var.principal, id, entityId, { depth, confirmedOnly: confirmed_only }));
    })
    .get('/tenants/:id/campaigns/:campaignId/relationships', answers("List a campaign's relationships", 200, RelationshipsAnswer), input('param', CampaignParamsSchema), input('query', RelationshipListQuerySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      const { entity_id, confirmed, offset, limit } = c.req.valid('query');
      const filter = { offset, limit, ...(entity_id === undefined ? {} : { entityId: entity_id }), ...(confirmed === undefined ? {} : { confirmed }) };
      return c.json({ relationships: await listRelationships(httpContext(c), c.var.principal, id, campaignId, filter) });
    })
    .post('/tenants/:id/campaigns/:campaignId/relationships', answers('Create a relationship', 201, RelationshipAnswer), input('param', CampaignParamsSchema), input('json', RelationshipBodySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ relationship: await createRelationship(httpContext(c), c.var.principal, id, campaignId, c.req.valid('json')) }, 201);
    })
    .patch('/tenants/:id/relationships/:relationshipId', answers('Change a relationship', 200, RelationshipAnswer), input('param', RelationshipParamsSchema), input('json', RelationshipPatchSchema), async (c) => {
      const { id, relationshipId } = c.req.valid('param');
      return c.json({ relationship: await updateRelationship(httpContext(c), c.var.principal, id, relationshipId, c.req.valid('json')) });
    })
    .post('/tenants/:id/relationships/:relationshipId/accept', answers('Accept a proposed relationship', 200, RelationshipAnswer), input('param', RelationshipParamsSchema), async (c) => {
      const { id, relationshipId } = c.req.valid('param');
      return c.json({ relationship: await acceptRelationship(httpContext(c), c.var.principal, id, relationshipId) });
    })
    .post('/tenants/:id/relationships/:relationshipId/reject', answers('Reject (delete) a proposed relationship', 200, DeletedAnswer), input('param', RelationshipParamsSchema), async (c) => {
      const { id, relationshipId } = c.req.valid('param');
      await deleteRelationship(httpContext(c), c.var.principal, id, relationshipId, { proposalOnly: true });
      return c.json({ deleted: true as const });
    })
    .delete('/tenants/:id/relationships/:relationshipId', answers('Delete a relationship', 200, DeletedAnswer), input('param', RelationshipParamsSchema), async (c) => {
      const { id, relationshipId } = c.req.valid('param');
      await deleteRelationship(httpContext(c), c.var.principal, id, relationshipId, { proposalOnly: false });
      return c.json({ deleted: true as const });
    })
    .get('/tenants/:id/campaigns/:campaignId/search', answers("Search a campaign's entities, lore and transcripts", 200, SearchAnswer), input('param', CampaignParamsSchema), input('query', SearchQuerySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      const { q, limit } = c.req.valid('query');
      return c.json({ hits: await searchKnowledge(httpContext(c), c.var.principal, id, campaignId, q, limit) });
    })
    .get('/tenants/:id/campaigns/:campaignId/lore', answers("List a campaign's lore documents", 200, LoreDocumentsAnswer), input('param', CampaignParamsSchema), input('query', LoreListQuerySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      const { kind, offset, limit } = c.req.valid('query');
      return c.json({ documents: await listLoreDocuments(httpContext(c), c.var.principal, id, campaignId, { offset, limit, ...(kind === undefined ? {} : { kind }) }) });
    })
    .post('/tenants/:id/campaigns/:campaignId/lore', answers('Create a lore document', 201, LoreDocumentAnswer), input('param', CampaignParamsSchema), input('json', LoreBodySchema), async (c) => {
      const { id, campaignId } = c.req.valid('param');
      return c.json({ document: await createLoreDocument(httpContext(c), c.var.principal, id, campaignId, c.req.valid('json')) }, 201);
    })
    .get('/tenants/:id/lore/:documentId', answers('Get a lore document', 200, LoreDocumentAnswer), input('param', LoreParamsSchema), async (c) => {
      const { id, documentId } = c.req.valid('param');
      return c.json({ document: await getLoreDocument(httpContext(c), c.var.principal, id, documentId) });
    })
    .put('/tenants/:id/lore/:documentId', answers('Replace a lore document', 200, LoreDocumentAnswer), input('param', LoreParamsSchema), input('json', LoreBodySchema), async (c) => {
      const { id, documentId } = c.req.valid('param');
      return c.json({ document: await updateLoreDocument(httpContext(c), c.var.principal, id, documentId, c.req.valid('json')) });
    })
    .delete('/tenants/:id/lore/:documentId', answers('Delete a lore document', 200, DeletedAnswer), input('param', LoreParamsSchema), async (c) => {
      const { id, documentId } = c.req.valid('param');
      await deleteLoreDocument(httpContext(c), c.var.principal, id, documentId);
      return c.json({ deleted: true as const });
    });
}
