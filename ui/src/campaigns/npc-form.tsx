import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { bodyResolver } from '../forms/body-resolver.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { linesOf, optionalText } from '../forms/text-lists.ts';
import { BUDGET_TIERS, NPC_TOOLS, NpcBody, type NpcBodyInput } from './campaign-body.ts';
import type { Npc } from './campaign-queries.ts';
import { ClonedVoiceSelect } from './cloned-voice-select.tsx';
import { NpcServerTools } from './npc-server-tools.tsx';
import { VoicePreviewButton } from './voice-preview-button.tsx';

/** The editor's values: lists as text, one item a line. */
interface NpcForm {
  name: string;
  aliases: string;
  personality: string;
  voice: { provider: string; voice_id: string; pitch: number; speed: number };
  engine: string;
  budget_tier: string;
  knowledge_scope: string;
  secret_knowledge: string;
  behavior_rules: string;
  gm_helper: boolean;
  muted_by_default: boolean;
  /** The names of the tools ticked. */
  tools: string[];
}

const toBody = (f: NpcForm): NpcBodyInput => ({
  name: f.name,
  aliases: linesOf(f.aliases),
  personality: f.personality,
  voice: { provider: f.voice.provider, voice_id: f.voice.voice_id, pitch: f.voice.pitch, speed: f.voice.speed },
  engine: optionalText(f.engine),
  budget_tier: f.budget_tier as NpcBodyInput['budget_tier'],
  knowledge_scope: linesOf(f.knowledge_scope),
  secret_knowledge: optionalText(f.secret_knowledge),
  behavior_rules: linesOf(f.behavior_rules),
  gm_helper: f.gm_helper,
  muted_by_default: f.muted_by_default,
  tools: f.tools as NpcBodyInput['tools'],
});

/** An issue's path as the field showing it: `voice.pitch` is its own input, `aliases.2` the aliases box. */
const fieldOf = (path: string) => (path.startsWith('voice.') ? path.split('.').slice(0, 2).join('.') : path.split('.')[0] || 'name');
const resolver = bodyResolver(NpcBody, toBody, fieldOf);

const defaults = (n?: Npc): NpcForm => ({
  name: n?.name ?? '',
  aliases: n?.aliases.join('\n') ?? '',
  personality: n?.personality ?? '',
  voice: { provider: n?.voice.provider ?? '', voice_id: n?.voice.voice_id ?? '', pitch: n?.voice.pitch ?? 0, speed: n?.voice.speed ?? 1 },
  engine: n?.engine ?? '',
  budget_tier: n?.budget_tier ?? 'fast',
  knowledge_scope: n?.knowledge_scope.join('\n') ?? '',
  secret_knowledge: n?.secret_knowledge ?? '',
  behavior_rules: n?.behavior_rules.join('\n') ?? '',
  gm_helper: n?.gm_helper ?? false,
  muted_by_default: n?.muted_by_default ?? false,
  tools: n?.tools ?? [],
});

const area = 'flex min-h-20 w-full rounded-md border border-input bg-background px-3 py-2 text-sm disabled:opacity-50 aria-invalid:border-destructive';

/**
 * Every field the NPC routes take; `onSave` sends the body and throws the edge's error.
 * `tenantId`: the team whose tool servers it offers and whose voice node speaks the voice preview.
 */
export function NpcEditor({ npc, onSave, disabled, tenantId }: { npc?: Npc; onSave: (body: NpcBodyInput) => Promise<void>; disabled?: boolean; tenantId: string }) {
  const id = useId();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, trigger, getValues, setValue, watch, formState } = useForm<NpcForm, unknown, NpcBodyInput>({ resolver, defaultValues: defaults(npc) });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await onSave(body);
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  const f = (name: string) => `${id}-${name}`;
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-6" aria-label="NPC">
      <fieldset disabled={disabled} className="flex flex-col gap-6">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={f('name')} label="Name" error={errors.name}>
            {(aria) => <Input {...aria} {...register('name')} />}
          </Field>
          <Field id={f('aliases')} label="Aliases" hint="Other names players call it by, one a line" error={errors.aliases}>
            {(aria) => <textarea className={area} {...aria} {...register('aliases')} />}
          </Field>
        </div>
        <Field id={f('personality')} label="Personality" hint="How it speaks and behaves" error={errors.personality}>
          {(aria) => <textarea className={area} {...aria} {...register('personality')} />}
        </Field>
        <fieldset className="grid gap-4 rounded-md border p-4 sm:grid-cols-2">
          <legend className="px-1 text-sm font-semibold">Voice</legend>
          {!disabled && (
            <ClonedVoiceSelect
              tenantId={tenantId}
              current={watch('voice.voice_id')}
              onPick={(voiceId) => {
                setValue('voice.provider', 'elevenlabs', { shouldDirty: true });
                setValue('voice.voice_id', voiceId, { shouldDirty: true });
              }}
            />
          )}
          <Field id={f('provider')} label="Voice provider" hint="e.g. elevenlabs or openai" error={errors.voice?.provider}>
            {(aria) => <Input {...aria} {...register('voice.provider')} />}
          </Field>
          <Field id={f('voice-id')} label="Voice ID" error={errors.voice?.voice_id}>
            {(aria) => <Input {...aria} {...register('voice.voice_id')} />}
          </Field>
          <Field id={f('pitch')} label="Pitch" hint="From -10 to 10; 0 is the voice as it is" error={errors.voice?.pitch}>
            {(aria) => <Input type="number" step="any" {...aria} {...register('voice.pitch', { valueAsNumber: true })} />}
          </Field>
          <Field id={f('speed')} label="Speed" hint="From 0.5 to 2.0; 1 is normal" error={errors.voice?.speed}>
            {(aria) => <Input type="number" step="any" {...aria} {...register('voice.speed', { valueAsNumber: true })} />}
          </Field>
          {!disabled && (
            <VoicePreviewButton
              tenantId={tenantId}
              check={async () => ((await trigger('voice', { shouldFocus: true })) ? getValues('voice') : null)}
              onFieldError={(error) => showApiFieldError(error, setError, fieldOf)}
            />
          )}
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={f('engine')} label="Engine" hint="Optional: the model this NPC thinks with" error={errors.engine}>
            {(aria) => <Input {...aria} {...register('engine')} />}
          </Field>
          <Field id={f('budget')} label="Budget tier" hint="Faster and cheaper, or slower and deeper" error={errors.budget_tier}>
            {(aria) => (
              <select className="h-10 rounded-md border border-input bg-background px-3 text-sm" {...aria} {...register('budget_tier')}>
                {BUDGET_TIERS.map((tier) => (
                  <option key={tier} value={tier}>
                    {tier}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={f('scope')} label="Knowledge scope" hint="Topics it knows about, one a line" error={errors.knowledge_scope}>
            {(aria) => <textarea className={area} {...aria} {...register('knowledge_scope')} />}
          </Field>
          <Field id={f('secret')} label="Secret knowledge" hint="What it knows but keeps from players" error={errors.secret_knowledge}>
            {(aria) => <textarea className={area} {...aria} {...register('secret_knowledge')} />}
          </Field>
        </div>
        <Field id={f('rules')} label="Behaviour rules" hint="Rules it always follows, one a line" error={errors.behavior_rules}>
          {(aria) => <textarea className={area} {...aria} {...register('behavior_rules')} />}
        </Field>
        <div className="flex flex-col gap-3 sm:flex-row sm:gap-8">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4" {...register('gm_helper')} /> GM helper (narrates for the DM, e.g. voice recaps)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4" {...register('muted_by_default')} /> Muted by default
          </label>
        </div>
        <fieldset className="flex flex-col gap-3 rounded-md border p-4">
          <legend className="px-1 text-sm font-semibold">Tools</legend>
          <p className="text-sm text-muted-foreground">What it may use mid-conversation. None is fastest: each tool it may call makes its answers a little slower to start.</p>
          <div className="grid gap-3 sm:grid-cols-2">
            {NPC_TOOLS.map((tool) => (
              <label key={tool.name} className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="size-4" value={tool.name} {...register('tools')} /> {tool.label}
              </label>
            ))}
          </div>
          <NpcServerTools tenantId={tenantId} held={npc?.tools ?? []} field={() => register('tools')} />
          {errors.tools && (
            <p role="alert" className="text-sm text-destructive">
              {errors.tools.message}
            </p>
          )}
        </fieldset>
      </fieldset>
      <FormFooter failure={failure} label="Save NPC" pending={isSubmitting} readOnly={disabled} />
    </form>
  );
}
