import { ROLES, type Role } from '@glyphoxa/db';
import { describe, expect, it } from 'vitest';
import { ADMIN, SCOPES, type Principal } from '../principal.ts';
import { allowed, authorize, PERMISSIONS, type Action } from './permissions.ts';

const ACTIONS = Object.keys(PERMISSIONS) as Action[];
const user = (role: Role, tenantId: string | null = 't-home'): Principal => ({ kind: 'user', id: 'u1', userId: 'u1', tenantId, role, scopes: [...SCOPES] });
const key = (role: Role, scopes: Principal['scopes']): Principal => ({ kind: 'api_key', id: 'k1', userId: 'u1', tenantId: 't-home', role, scopes });

describe('roles matrix', () => {
  // Each cell on its own: a change to one rule fails exactly its cells.
  for (const action of ACTIONS) {
    const rule = PERMISSIONS[action];
    for (const role of ROLES) {
      it(`${role} ${action}`, () => {
        if ('over' in rule) {
          expect(allowed(user(role), action, null)).toBe('yes');
          expect(allowed(key(role, [...SCOPES]), action, null)).toBe('forbidden');
          return;
        }
        const own = allowed(user(role), action, 't-home');
        if (role === 'super_admin') expect(own).toBe('yes');
        else expect(own).toBe((rule.roles as readonly Role[]).includes(role) ? 'yes' : 'forbidden');
        // Another tenant's resources do not exist for a member: 404, not 403.
        expect(allowed(user(role), action, 't-other')).toBe(role === 'super_admin' ? 'yes' : 'not_found');
      });
    }
  }

  it('bounds an API key by its scopes, below its role', () => {
    expect(allowed(key('tenant_owner', ['read']), 'campaigns.view', 't-home')).toBe('yes');
    expect(allowed(key('tenant_owner', ['read']), 'campaigns.manage', 't-home')).toBe('forbidden');
    expect(allowed(key('tenant_owner', ['read', 'write']), 'sessions.run', 't-home')).toBe('forbidden');
    expect(allowed(key('tenant_owner', ['sessions']), 'sessions.run', 't-home')).toBe('yes');
    expect(allowed(key('viewer', [...SCOPES]), 'sessions.run', 't-home')).toBe('forbidden');
  });

  it('keeps platform actions for the operator', () => {
    expect(allowed(ADMIN, 'platform.tenants', null)).toBe('yes');
    expect(allowed(user('tenant_owner'), 'platform.tenants', null)).toBe('forbidden');
  });

  it('answers 404 for another tenant and 403 naming what is short', () => {
    expect(() => authorize(user('dm'), 'campaigns.view', 't-other')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => authorize(user('viewer'), 'campaigns.manage', 't-home')).toThrow(/viewer.*campaigns\.manage/);
    expect(() => authorize(key('dm', ['read']), 'campaigns.manage', 't-home')).toThrow(/lacks the write scope/);
  });
});
