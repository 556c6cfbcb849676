import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import type { NewTicketBody } from './support-queries.ts';

/** The body's fields are the form's: the edge's field names land on them as they are. */
const fieldOf = (path: string) => (path === 'body' ? 'body' : 'subject');

/** Opens a support ticket; the edge checks subject and body and names the one it refuses. */
export function TicketFormCard({ onOpen }: { onOpen: (body: NewTicketBody) => Promise<void> }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<NewTicketBody>({ defaultValues: { subject: '', body: '' } });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await onOpen(body);
      reset();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Open a ticket">
      <Field id={`${id}-subject`} label="Subject" error={errors.subject}>
        {(aria) => <Input {...aria} {...register('subject')} />}
      </Field>
      <Field id={`${id}-body`} label="What happened" hint="What you did, what you expected, and the session or NPC it concerns" error={errors.body}>
        {(aria) => <textarea className="flex min-h-28 w-full rounded-md border border-input bg-background px-3 py-2 text-sm aria-invalid:border-destructive" {...aria} {...register('body')} />}
      </Field>
      <FormFooter failure={failure} label="Open ticket" pending={isSubmitting} />
    </form>
  );
}
