import * as v from 'valibot';

/** `PUT /me`: what a person may change of their own profile (the rest comes from their sign-ins). */
export const UpdateMeSchema = v.pipe(
  v.strictObject({
    display_name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'))),
    /** null: remove the picture. */
    avatar_url: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(2048), v.url('must be a URL'), v.regex(/^https:\/\//i, 'must be an https URL')))),
  }),
  v.check((body) => Object.keys(body).length > 0, 'display_name: give display_name or avatar_url'),
);
export type MeChanges = v.InferOutput<typeof UpdateMeSchema>;
