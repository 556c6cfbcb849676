import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import type { MemberRole } from '../account/me-query.ts';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import type { InviteBody } from './member-queries.ts';
import { RoleOptions, SELECT_CLASS } from './role-options.tsx';

interface InviteForm {
  /** An email address, or a Discord user id (digits). */
  who: string;
  role: MemberRole;
}

/** Digits only are a Discord user id; anything else is sent as an email, for the edge to check. */
const toBody = (f: InviteForm): InviteBody => (/^\d+$/.test(f.who.trim()) ? { discord_id: f.who.trim(), role: f.role } : { email: f.who, role: f.role });
const fieldOf = (path: string) => (path === 'role' ? 'role' : 'who');

/** Invites someone by email or Discord id with a role; they join at their next sign-in. */
export function InviteFormCard({ onInvite }: { onInvite: (body: InviteBody) => Promise<void> }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<InviteForm>({ defaultValues: { who: '', role: 'dm' } });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (form) => {
    setFailure(null);
    try {
      await onInvite(toBody(form));
      reset();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Invite">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-who`} label="Email or Discord id" hint="They join at their next sign-in with that address or Discord account" error={errors.who}>
          {(aria) => <Input {...aria} autoComplete="off" {...register('who')} />}
        </Field>
        <Field id={`${id}-role`} label="Role" error={errors.role}>
          {(aria) => (
            <select {...aria} {...register('role')} className={SELECT_CLASS}>
              <RoleOptions />
            </select>
          )}
        </Field>
      </div>
      <FormFooter failure={failure} label="Send invite" pending={isSubmitting} />
    </form>
  );
}
