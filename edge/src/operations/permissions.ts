import { ROLES, type Role } from '@glyphoxa/db';
import { ApiError } from '../errors.ts';
import type { Principal, Scope } from '../principal.ts';

const EVERY_MEMBER = ROLES;
const OWNERS = ['super_admin', 'tenant_owner'] as const satisfies readonly Role[];
const RUNNERS = ['super_admin', 'tenant_owner', 'dm'] as const satisfies readonly Role[];
const OPERATORS = ['super_admin'] as const satisfies readonly Role[];

/**
 * Who may do what (the web-management plan's matrix), and the API-key scope each
 * action needs. Every operation names its action here; nothing else decides.
 */
export const PERMISSIONS = {
  // A person's own account: any signed-in user, never a key (keys live inside one tenant).
  'account.manage': { roles: EVERY_MEMBER, scope: 'write', over: 'account' },
  'account.tenants.create': { roles: EVERY_MEMBER, scope: 'write', over: 'account' },
  'platform.tenants': { roles: OPERATORS, scope: 'write' },
  'platform.observe': { roles: OPERATORS, scope: 'read' },
  'platform.nodes': { roles: OPERATORS, scope: 'write' },
  'tenant.view': { roles: EVERY_MEMBER, scope: 'read' },
  'tenant.settings': { roles: OWNERS, scope: 'write' },
  'tenant.delete': { roles: OWNERS, scope: 'write' },
  'billing.manage': { roles: OWNERS, scope: 'billing' },
  'members.view': { roles: EVERY_MEMBER, scope: 'read' },
  'members.manage': { roles: OWNERS, scope: 'write' },
  'api_keys.manage': { roles: OWNERS, scope: 'write' },
  'providers.view': { roles: EVERY_MEMBER, scope: 'read' },
  'providers.manage': { roles: OWNERS, scope: 'write' },
  // The tenant's own MCP tool servers (header values never leave the edge).
  'mcp_servers.view': { roles: EVERY_MEMBER, scope: 'read' },
  'mcp_servers.manage': { roles: OWNERS, scope: 'write' },
  'campaigns.view': { roles: EVERY_MEMBER, scope: 'read' },
  'campaigns.manage': { roles: RUNNERS, scope: 'write' },
  'npcs.manage': { roles: RUNNERS, scope: 'write' },
  // Entities, relationships (accepting and rejecting proposals) and lore documents.
  'knowledge.manage': { roles: RUNNERS, scope: 'write' },
  'sessions.view': { roles: EVERY_MEMBER, scope: 'read' },
  'sessions.run': { roles: RUNNERS, scope: 'sessions' },
  'transcripts.view': { roles: EVERY_MEMBER, scope: 'read' },
  'voice_samples.manage': { roles: RUNNERS, scope: 'write' },
  'usage.view': { roles: EVERY_MEMBER, scope: 'read' },
  'audit.view': { roles: OWNERS, scope: 'read' },
  'support.view': { roles: EVERY_MEMBER, scope: 'read' },
  'support.open': { roles: EVERY_MEMBER, scope: 'write' },
} as const satisfies Record<string, Rule>;

interface Rule {
  roles: readonly Role[];
  scope: Scope;
  /** `account`: about the caller's own account, no tenant involved. */
  over?: 'account';
}

export type Action = keyof typeof PERMISSIONS;

/** Whether the principal may take `action` in `tenantId` (null: a platform-wide action). */
export function allowed(principal: Principal, action: Action, tenantId: string | null): 'yes' | 'not_found' | 'forbidden' {
  const rule: Rule = PERMISSIONS[action];
  if (rule.over === 'account') return principal.kind === 'user' ? 'yes' : 'forbidden';
  if (principal.role === 'super_admin') return principal.scopes.includes(rule.scope) ? 'yes' : 'forbidden';
  if (tenantId === null) return 'forbidden';
  // Another tenant's resources do not exist for this principal: 404, never a hint that they do.
  if (principal.tenantId !== tenantId) return 'not_found';
  if (!rule.roles.includes(principal.role)) return 'forbidden';
  return principal.scopes.includes(rule.scope) ? 'yes' : 'forbidden';
}

/**
 * Throws unless `allowed`: 404 for another tenant's (`missing`: the 404 of the
 * resource asked for, as if it did not exist), 403 for a role or scope short of it.
 */
export function authorize(principal: Principal, action: Action, tenantId: string | null, missing?: () => ApiError): void {
  const verdict = allowed(principal, action, tenantId);
  if (verdict === 'not_found') throw missing?.() ?? new ApiError(404, 'tenant_not_found', `No tenant ${tenantId}`);
  if (verdict === 'forbidden') throw new ApiError(403, 'forbidden', forbiddenMessage(principal, action));
}

function forbiddenMessage(principal: Principal, action: Action): string {
  const rule = PERMISSIONS[action];
  if (principal.kind === 'api_key' && !principal.scopes.includes(rule.scope)) return `This API key lacks the ${rule.scope} scope needed to ${action}`;
  return `Your role (${principal.role}) may not ${action}`;
}
