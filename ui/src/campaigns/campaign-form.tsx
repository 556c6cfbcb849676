import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { bodyResolver } from '../forms/body-resolver.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { optionalText } from '../forms/text-lists.ts';
import { CampaignBody, type CampaignBodyInput } from './campaign-body.ts';
import type { Campaign } from './campaign-queries.ts';

interface CampaignForm {
  name: string;
  system: string;
  language: string;
  description: string;
}

const toBody = (f: CampaignForm): CampaignBodyInput => ({ name: f.name, system: optionalText(f.system), language: optionalText(f.language), description: optionalText(f.description) });
/** A campaign's fields are flat: an issue's path is the field. */
const fieldOf = (path: string) => path.split('.')[0] || 'name';
const resolver = bodyResolver(CampaignBody, toBody, fieldOf);

/** Creates a campaign (no `campaign`) or replaces one; `onSave` sends the body and throws the edge's error. */
export function CampaignFormCard({ campaign, submitLabel, onSave, disabled }: { campaign?: Campaign; submitLabel: string; onSave: (body: CampaignBodyInput) => Promise<void>; disabled?: boolean }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<CampaignForm, unknown, CampaignBodyInput>({
    resolver,
    defaultValues: { name: campaign?.name ?? '', system: campaign?.system ?? '', language: campaign?.language ?? '', description: campaign?.description ?? '' },
  });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await onSave(body);
      if (!campaign) reset();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label={submitLabel}>
      <fieldset disabled={disabled} className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" error={errors.name}>
          {(aria) => <Input {...aria} {...register('name')} />}
        </Field>
        <Field id={`${id}-system`} label="Game system" hint="Optional, e.g. D&D 5e" error={errors.system}>
          {(aria) => <Input {...aria} {...register('system')} />}
        </Field>
        <Field id={`${id}-language`} label="Language" hint="Optional code such as en or de-AT" error={errors.language}>
          {(aria) => <Input {...aria} {...register('language')} />}
        </Field>
        <Field id={`${id}-description`} label="Description" error={errors.description}>
          {(aria) => <Input {...aria} {...register('description')} />}
        </Field>
      </fieldset>
      <FormFooter failure={failure} label={submitLabel} pending={isSubmitting} readOnly={disabled} />
    </form>
  );
}
