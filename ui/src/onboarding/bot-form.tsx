import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { api } from '../api/client.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { interactionsEndpointUrl } from './onboarding-steps.ts';
import { tenantQuery } from './onboarding-queries.ts';

interface BotForm {
  bot_token: string;
  discord_application_id: string;
  discord_public_key: string;
}

/** Every field is the body's own: an error the edge names lands on it. */
const fieldOf = (path: string) => path.split('.')[0] || 'bot_token';
const required = (what: string) => ({ validate: (value: string) => value.trim() !== '' || `is required: paste the ${what} from Discord's developer portal` });

/**
 * The tenant's Discord application (PUT /api/v1/tenants/:id). The edge checks each value
 * (valibot, UpdateTenantSchema) and its refusal is shown beside the field it names; the
 * token is write-only, so it is never shown back.
 */
export function BotStep({ tenantId, applicationId, publicKey }: { tenantId: string; applicationId: string | null; publicKey: string | null }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, formState } = useForm<BotForm>({
    defaultValues: { bot_token: '', discord_application_id: applicationId ?? '', discord_public_key: publicKey ?? '' },
  });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (form) => {
    setFailure(null);
    try {
      const json = { bot_token: form.bot_token.trim(), discord_application_id: form.discord_application_id.trim(), discord_public_key: form.discord_public_key.trim() };
      const { tenant } = await (await api.tenants[':id'].$put({ param: { id: tenantId }, json })).json();
      queryClient.setQueryData(tenantQuery(tenantId).queryKey, tenant);
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <div className="flex flex-col gap-6">
      <InteractionsUrl url={interactionsEndpointUrl(location.origin, tenantId)} />
      <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Save the bot">
        <Field id={`${id}-app`} label="Application ID" hint="General Information → Application ID" error={errors.discord_application_id}>
          {(aria) => <Input {...aria} inputMode="numeric" autoComplete="off" {...register('discord_application_id', required('application id'))} />}
        </Field>
        <Field id={`${id}-key`} label="Public key" hint="General Information → Public Key (64 hex characters)" error={errors.discord_public_key}>
          {(aria) => <Input {...aria} autoComplete="off" spellCheck={false} {...register('discord_public_key', required('public key'))} />}
        </Field>
        <Field id={`${id}-token`} label="Bot token" hint="Bot → Reset Token. Stored encrypted; never shown again." error={errors.bot_token}>
          {(aria) => <Input {...aria} type="password" autoComplete="off" {...register('bot_token', required('bot token'))} />}
        </Field>
        <FormFooter failure={failure} label="Save the bot" pending={isSubmitting} />
      </form>
    </div>
  );
}

/** The URL to paste into the portal, with a copy button that says whether it copied. */
function InteractionsUrl({ url }: { url: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-2">
      <p id={`${id}-label`} className="text-sm font-medium">
        Interactions Endpoint URL
      </p>
      <p className="text-sm text-muted-foreground">Paste it under General Information → Interactions Endpoint URL, then save there.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code aria-labelledby={`${id}-label`} className="min-w-0 break-all rounded-md border bg-muted px-3 py-2 text-sm">
          {url}
        </code>
        <CopyButton text={url} label="Copy URL" what="URL" />
      </div>
    </div>
  );
}
