import { apiKeyScope, ROLES } from '@glyphoxa/db';
import * as v from 'valibot';
import type { NpcToolCaller } from './auth/npc-tool-token.ts';

export const PRINCIPAL_KINDS = ['user', 'api_key', 'admin', 'discord', 'node', 'npc'] as const;
export const SCOPES = apiKeyScope.enumValues;

/**
 * Who is asking, as the one auth middleware of each door set it: a signed-in
 * user, an API key, the operator's admin key, a Discord member, a voice node,
 * an NPC calling its tools at /mcp.
 * `tenantId` is the tenant it acts in (null: none, as for the operator);
 * `scopes` bound an API key below its role (every other principal has all).
 */
export const PrincipalSchema = v.object({
  kind: v.picklist(PRINCIPAL_KINDS),
  /** The user, key, Discord member, node or NPC id; `admin` for the operator. */
  id: v.string(),
  userId: v.nullable(v.string()),
  tenantId: v.nullable(v.string()),
  role: v.picklist(ROLES),
  scopes: v.array(v.picklist(SCOPES)),
});
export type Principal = v.InferOutput<typeof PrincipalSchema>;
export type Scope = Principal['scopes'][number];

export const ADMIN: Principal = { kind: 'admin', id: 'admin', userId: null, tenantId: null, role: 'super_admin', scopes: [...SCOPES] };

/** How the audit trail names a principal. */
export const actorOf = (p: Principal): string => (p.kind === 'admin' ? 'admin' : `${p.kind}:${p.id}`);

/**
 * An NPC calling its tools (an /mcp token's caller): it acts in its tenant with no scope,
 * so no dashboard action is ever allowed to it; it exists to be named in the audit trail.
 */
export const npcPrincipal = (caller: NpcToolCaller): Principal => ({ kind: 'npc', id: caller.npcId, userId: null, tenantId: caller.tenantId, role: 'viewer', scopes: [] });
