import { PROVIDER_KINDS, type ProviderRole } from '@glyphoxa/db/provider-kinds';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { providerBodySchema } from '../../../edge/src/routes/provider-body.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { bodyResolver } from '../forms/body-resolver.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { DEFAULT_BASE_URL, type Provider, type ProviderBody } from './provider-queries.ts';

interface ProviderForm {
  kind: string;
  base_url: string;
  model: string;
  /** Typed anew; empty keeps the stored key (or sets none). */
  api_key: string;
  remove_key: boolean;
}

/** An empty key field keeps what is stored; "remove" sends null, which the edge takes as deleting it. */
const toBody = (f: ProviderForm): ProviderBody => ({
  kind: f.kind as ProviderBody['kind'],
  base_url: f.base_url.trim(),
  model: f.model.trim(),
  ...(f.remove_key ? { api_key: null } : f.api_key ? { api_key: f.api_key } : {}),
});
const fieldOf = (path: string) => path.split('.')[0] || 'kind';

/**
 * Sets a slot's provider or replaces it, checked with the body schema the edge validates
 * with (edge/src/routes/provider-body.ts), so the browser refuses what the edge would.
 */
export function ProviderFormCard({ role, provider, onSave, onCancel }: { role: ProviderRole; provider: Provider | undefined; onSave: (body: ProviderBody) => Promise<void>; onCancel?: () => void }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const kinds = PROVIDER_KINDS[role];
  const first = kinds[0];
  const { register, handleSubmit, setError, setValue, getValues, watch, formState } = useForm<ProviderForm, unknown, ProviderBody>({
    resolver: bodyResolver(providerBodySchema(role), toBody, fieldOf),
    defaultValues: { kind: provider?.kind ?? first, base_url: provider?.base_url ?? DEFAULT_BASE_URL[first] ?? '', model: provider?.model ?? '', api_key: '', remove_key: false },
  });
  const { errors, isSubmitting } = formState;
  const removing = watch('remove_key');
  const submit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await onSave(body);
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  const kindField = register('kind', {
    // A vendor picked while the URL is still another vendor's default: offer the new one's.
    onChange: (event: { target: { value: string } }) => {
      const url = getValues('base_url');
      if (!url || Object.values(DEFAULT_BASE_URL).includes(url)) setValue('base_url', DEFAULT_BASE_URL[event.target.value] ?? '');
    },
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label={`${provider ? 'Replace' : 'Set'} the ${role} provider`}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-kind`} label="Vendor" error={errors.kind}>
          {(aria) => (
            <select className="h-10 rounded-md border border-input bg-background px-3 text-sm" {...aria} {...kindField}>
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-model`} label="Model" hint="As the vendor names it, e.g. gpt-4o-mini or whisper-1" error={errors.model}>
          {(aria) => <Input {...aria} {...register('model')} />}
        </Field>
        <Field id={`${id}-base-url`} label="Base URL" hint="The vendor's API, or any compatible server (Ollama, vLLM, whisper.cpp)" error={errors.base_url}>
          {(aria) => <Input inputMode="url" {...aria} {...register('base_url')} />}
        </Field>
        <Field
          id={`${id}-api-key`}
          label="API key"
          hint={provider?.has_api_key ? 'A key is stored (sealed, never shown). Leave empty to keep it.' : 'Optional for servers that need none.'}
          error={errors.api_key}
        >
          {(aria) => <Input type="password" autoComplete="off" disabled={removing} {...aria} {...register('api_key')} />}
        </Field>
      </div>
      {provider?.has_api_key && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="size-4" {...register('remove_key')} /> Remove the stored key
        </label>
      )}
      <FormFooter failure={failure} label={provider ? 'Save changes' : `Set ${role} provider`} pending={isSubmitting} />
      {onCancel && (
        <Button type="button" variant="outline" className="self-start" onClick={onCancel}>
          Cancel
        </Button>
      )}
    </form>
  );
}
