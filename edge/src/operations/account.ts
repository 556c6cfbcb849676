import { getAccount, signIn, updateUser, type SignInIdentity } from '@glyphoxa/db';
import { ACCESS_TOKEN_TTL_S, signAccessToken } from '../auth/access-token.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { SCOPES, type Principal } from '../principal.ts';
import type { MeChanges } from '../routes/api/me-schemas.ts';
import { viewAccount } from '../views/account.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { startWebSession } from './web-sessions.ts';

/** The signed-in user and their tenants. */
export async function getMe(ctx: OperationContext, principal: Principal) {
  authorize(principal, 'account.manage', null);
  const account = await getAccount(ctx.db(), principal.userId!);
  // A token outlives a deleted account by at most its 15 minutes; it opens nothing.
  if (!account) throw new ApiError(401, 'unauthorized', 'This account no longer exists');
  return viewAccount(account);
}

/** Changes the signed-in user's own profile. */
export async function updateMe(ctx: OperationContext, principal: Principal, changes: MeChanges) {
  const before = await getMe(ctx, principal);
  const user = await updateUser(ctx.db(), principal.userId!, { displayName: changes.display_name, avatarUrl: changes.avatar_url });
  if (!user) throw new ApiError(401, 'unauthorized', 'This account no longer exists');
  const after = { ...before, user: viewAccount({ user, memberships: [] }).user };
  await audit(ctx, principal, { tenantId: null, action: 'user.update', target: user.id, detail: { fields: Object.keys(changes) }, before: before.user, after: after.user });
  return after;
}

/**
 * Signs a person in from a provider's identity (first time: a user and their
 * own tenant), audits it, and issues an access token and the refresh token
 * that opens this sign-in's web session (for its cookie, never a body).
 */
export async function signInWith(ctx: OperationContext, identity: SignInIdentity) {
  const result = await signIn(ctx.db(), identity, firstTenantId());
  const { user } = result;
  const principal: Principal = { kind: 'user', id: user.id, userId: user.id, tenantId: null, role: 'viewer', scopes: [...SCOPES] };
  await audit(ctx, principal, { tenantId: null, action: result.created ? 'user.create' : 'user.sign_in', target: user.id, detail: { provider: identity.provider } });
  return {
    grant: await startWebSession(ctx, user.id),
    body: {
      access_token: await signAccessToken(ctx.env, { userId: user.id, superAdmin: user.superAdmin }),
      token_type: 'Bearer' as const,
      expires_in: ACCESS_TOKEN_TTL_S,
      created: result.created,
      ...viewAccount(result),
    },
  };
}

/** A new user's own tenant: an id they can rename later, unique by its random part. */
const firstTenantId = () => `dm-${crypto.randomUUID().slice(0, 12)}`;
