import { valibotResolver } from '@hookform/resolvers/valibot';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import * as v from 'valibot';
import { setAccessToken } from '../api/access-token.ts';
import { errorFrom } from '../api/errors.ts';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';

/** The body of the edge's POST /auth/local, with the form's own wording for each refusal. */
export const LocalSignInSchema = v.object({
  email: v.pipe(v.string(), v.trim(), v.nonEmpty('Enter your email address'), v.email('Enter an email address like dm@example.com'), v.maxLength(254, 'At most 254 characters')),
  display_name: v.pipe(v.string(), v.trim(), v.nonEmpty('Enter the name your players know you by'), v.maxLength(100, 'At most 100 characters')),
});
type LocalSignIn = v.InferOutput<typeof LocalSignInSchema>;

/**
 * The embedded default's sign-in (npm start), for a machine with no OAuth app: an
 * email and a name, no password, so only ever enabled on a local install.
 */
export function LocalSignInForm({ onSignedIn }: { onSignedIn: () => Promise<void> | void }) {
  const id = useId();
  const [failure, setFailure] = useState<string | null>(null);
  const { register, handleSubmit, formState } = useForm<LocalSignIn>({ resolver: valibotResolver(LocalSignInSchema), defaultValues: { email: '', display_name: '' } });
  const { errors, isSubmitting } = formState;

  const submit = handleSubmit(async (values) => {
    setFailure(null);
    const res = await fetch('/auth/local', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values), credentials: 'same-origin' }).catch(() => null);
    if (!res) return setFailure('The dashboard could not reach the server. Is `npm start` still running?');
    if (!res.ok) return setFailure((await errorFrom(res)).message);
    const { access_token } = (await res.json()) as { access_token: string };
    setAccessToken(access_token);
    await onSignedIn();
  });

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-sm font-semibold">
        Sign in on this machine
      </h2>
      <div className="flex flex-col gap-2">
        <Label htmlFor={`${id}-email`}>Email</Label>
        <Input id={`${id}-email`} type="email" autoComplete="email" aria-invalid={!!errors.email} aria-describedby={errors.email ? `${id}-email-error` : undefined} {...register('email')} />
        {errors.email && (
          <p id={`${id}-email-error`} className="text-sm text-destructive">
            {errors.email.message}
          </p>
        )}
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor={`${id}-name`}>Display name</Label>
        <Input id={`${id}-name`} autoComplete="nickname" aria-invalid={!!errors.display_name} aria-describedby={errors.display_name ? `${id}-name-error` : undefined} {...register('display_name')} />
        {errors.display_name && (
          <p id={`${id}-name-error`} className="text-sm text-destructive">
            {errors.display_name.message}
          </p>
        )}
      </div>
      {failure && <Alert tone="error">{failure}</Alert>}
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
