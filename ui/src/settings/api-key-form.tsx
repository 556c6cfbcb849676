import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { SCOPE_NAMES, type ApiKeyScope, type NewApiKeyBody } from './api-key-queries.ts';

interface ApiKeyForm {
  name: string;
  scopes: ApiKeyScope[];
  /** A date (yyyy-mm-dd) or empty: never expires. */
  expires: string;
}

/** The edge names `scopes.0` or `expires_at`; the form's fields are `scopes` and `expires`. */
const fieldOf = (path: string) => (path.startsWith('scopes') ? 'scopes' : path === 'expires_at' ? 'expires' : 'name');
/** The key expires at the end of the chosen day, in the browser's time zone. */
const toBody = (f: ApiKeyForm): NewApiKeyBody => ({ name: f.name, scopes: f.scopes, ...(f.expires ? { expires_at: new Date(`${f.expires}T23:59:59`).toISOString() } : {}) });

/** A new API key: a name, its scopes and an optional expiry; the edge checks each and names the field it refuses. */
export function ApiKeyFormCard({ onCreate }: { onCreate: (body: NewApiKeyBody) => Promise<void> }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<ApiKeyForm>({ defaultValues: { name: '', scopes: ['read'], expires: '' } });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (form) => {
    setFailure(null);
    try {
      await onCreate(toBody(form));
      reset();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Create API key">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" hint="Says where the key is used, e.g. Foundry VTT" error={errors.name}>
          {(aria) => <Input {...aria} {...register('name')} />}
        </Field>
        <Field id={`${id}-expires`} label="Expires" hint="Optional; the key stops working after this day" error={errors.expires}>
          {(aria) => <Input type="date" {...aria} {...register('expires')} />}
        </Field>
      </div>
      <fieldset className="flex flex-col gap-2" aria-invalid={!!errors.scopes} aria-describedby={errors.scopes ? `${id}-scopes-error` : undefined}>
        <legend className="mb-1 text-sm font-medium">Scopes</legend>
        {(Object.keys(SCOPE_NAMES) as ApiKeyScope[]).map((scope) => (
          <label key={scope} className="flex items-center gap-2 text-sm">
            <input type="checkbox" value={scope} className="size-4" {...register('scopes')} />
            <span className="font-mono">{scope}</span>
            <span className="text-muted-foreground">{SCOPE_NAMES[scope]}</span>
          </label>
        ))}
        {errors.scopes && (
          <p id={`${id}-scopes-error`} className="text-sm text-destructive">
            Scopes {errors.scopes.message}
          </p>
        )}
      </fieldset>
      <FormFooter failure={failure} label="Create API key" pending={isSubmitting} />
    </form>
  );
}
