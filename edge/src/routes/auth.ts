import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { signInWith } from '../operations/account.ts';
import { httpContext } from '../operations/context.ts';
import { readJson } from '../validation.ts';

export const LocalSignInSchema = v.strictObject({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an email address'), v.maxLength(254)),
  display_name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
});

/** Sign-in doors. `/auth/local` trusts the email it is given, so it exists only where LOCAL_SIGN_IN=on (local development). */
export function authRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/local', async (c) => {
    if (c.env.LOCAL_SIGN_IN !== 'on') throw new ApiError(404, 'not_found', 'Local sign-in is not enabled here');
    const body = await readJson(c, LocalSignInSchema);
    const identity = { provider: 'local' as const, subject: body.email, email: body.email, emailVerified: true, displayName: body.display_name ?? body.email.split('@')[0]!, avatarUrl: null };
    return c.json(await signInWith(httpContext(c), identity));
  });

  return app;
}
