import { useId, useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { linesOf } from '../forms/text-lists.ts';
import type { ToolServer, ToolServerBody } from './tool-server-queries.ts';

interface HeaderRow {
  name: string;
  /** Empty for a stored header: keep its value. */
  value: string;
  stored: boolean;
}

interface ToolServerForm {
  name: string;
  url: string;
  headers: HeaderRow[];
  /** One tool name a line. */
  allowedTools: string;
  timeoutMs: string;
}

const area = 'flex min-h-24 w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-sm aria-invalid:border-destructive';

/** The edge names `url`, `timeout_ms`, `allowed_tools.1`, `headers.x-key`: the form's fields. */
const fieldOf = (path: string) => (path.startsWith('allowed_tools') ? 'allowedTools' : path === 'timeout_ms' ? 'timeoutMs' : path.startsWith('headers') ? 'headers' : path);

const formOf = (server: ToolServer | null): ToolServerForm => ({
  name: server?.name ?? '',
  url: server?.url ?? '',
  headers: Object.keys(server?.headers ?? {}).map((name) => ({ name, value: '', stored: true })),
  allowedTools: (server?.allowed_tools ?? []).join('\n'),
  timeoutMs: String(server?.timeout_ms ?? 3000),
});

/** A stored header left empty keeps its value (null); every other header is sent with the value typed. */
const toBody = (f: ToolServerForm): ToolServerBody => ({
  url: f.url,
  headers: Object.fromEntries(f.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.stored && h.value === '' ? null : h.value])),
  allowed_tools: linesOf(f.allowedTools),
  timeout_ms: Number(f.timeoutMs),
});

/**
 * A tool server's settings: its name (fixed once saved: it prefixes its tools), URL,
 * headers (values are write-only: a stored one shows as kept), allowed tools and timeout.
 */
export function ToolServerFormCard({ server, onSave, onCancel }: { server: ToolServer | null; onSave: (name: string, body: ToolServerBody) => Promise<void>; onCancel?: () => void }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, control, handleSubmit, setError, reset, formState } = useForm<ToolServerForm>({ defaultValues: formOf(server) });
  const headers = useFieldArray({ control, name: 'headers' });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (form) => {
    setFailure(null);
    try {
      await onSave(form.name.trim(), toBody(form));
      if (!server) reset(formOf(null));
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  const headersError = errors.headers?.root ?? (errors.headers as { message?: string } | undefined);
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label={server ? `Edit tool server ${server.name}` : 'Add tool server'}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-name`} label="Name" hint="Lowercase; its tools reach NPCs as name.tool" error={errors.name}>
          {(aria) => <Input {...aria} {...register('name')} disabled={!!server} />}
        </Field>
        <Field id={`${id}-timeout`} label="Timeout (ms)" hint="100 to 10000; a slower answer is cut off" error={errors.timeoutMs}>
          {(aria) => <Input type="number" inputMode="numeric" {...aria} {...register('timeoutMs')} />}
        </Field>
      </div>
      <Field id={`${id}-url`} label="URL" hint="The server's MCP endpoint (Streamable HTTP), e.g. https://lore.example.com/mcp" error={errors.url}>
        {(aria) => <Input type="url" {...aria} {...register('url')} />}
      </Field>
      <Field id={`${id}-tools`} label="Allowed tools" hint="One tool name a line; NPCs get only these. List tools shows what the server offers." error={errors.allowedTools}>
        {(aria) => <textarea className={area} {...aria} {...register('allowedTools')} />}
      </Field>
      <fieldset className="flex flex-col gap-2" aria-describedby={headersError ? `${id}-headers-error` : undefined}>
        <legend className="mb-1 text-sm font-medium">Headers</legend>
        <p className="text-xs text-muted-foreground">Sent with every call (an API key, say). Values are stored encrypted and never shown again.</p>
        {headers.fields.map((row, index) => (
          <div key={row.id} className="flex flex-wrap items-end gap-2">
            <Input aria-label={`Header ${index + 1} name`} placeholder="Authorization" className="w-full sm:w-48" {...register(`headers.${index}.name`)} disabled={row.stored} />
            <Input
              aria-label={`Header ${index + 1} value`}
              type="password"
              autoComplete="off"
              placeholder={row.stored ? 'Stored: leave empty to keep' : 'Value'}
              className="w-full sm:flex-1"
              {...register(`headers.${index}.value`)}
            />
            <Button type="button" variant="outline" onClick={() => headers.remove(index)}>
              Remove header {index + 1}
            </Button>
          </div>
        ))}
        <Button type="button" variant="outline" className="self-start" onClick={() => headers.append({ name: '', value: '', stored: false })}>
          Add header
        </Button>
        {headersError?.message && (
          <p id={`${id}-headers-error`} className="text-sm text-destructive">
            Headers {headersError.message}
          </p>
        )}
      </fieldset>
      <div className="flex flex-wrap gap-2">
        <FormFooter failure={failure} label={server ? 'Save tool server' : 'Add tool server'} pending={isSubmitting} />
        {onCancel && (
          <Button type="button" variant="outline" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
