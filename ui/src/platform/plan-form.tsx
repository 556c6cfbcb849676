import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { PLANS } from '../../../db/src/plans.ts';
import { api } from '../api/client.ts';
import { Input } from '../components/ui/input.tsx';
import { showApiFieldError } from '../forms/api-field-error.ts';
import { Field } from '../forms/field.tsx';
import { FormFooter } from '../forms/form-footer.tsx';
import { tenantQuery, type TenantSettings } from '../onboarding/onboarding-queries.ts';
import { SELECT_CLASS } from '../settings/role-options.tsx';
import { platformKeys } from './platform-queries.ts';

interface PlanForm {
  tier: TenantSettings['tier'];
  license_tier: TenantSettings['license_tier'];
  monthly_session_hours: string;
  max_concurrent_sessions: string;
}

/** An override left empty is no override: the plan's number applies. */
const override = (text: string) => (text.trim() === '' ? null : Number(text));
const fieldOf = (path: string) => path.split('.')[0] || 'tier';

/**
 * A tenant's plan, voice-node pool and the operator's overrides of its limits
 * (PUT /api/v1/tenants/:id, which only super admins may use for these fields);
 * the edge checks each value and its refusal lands beside the field.
 */
export function PlanOverridesForm({ tenant, onSaved }: { tenant: TenantSettings; onSaved: () => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<unknown>(null);
  const { register, handleSubmit, setError, formState } = useForm<PlanForm>({
    defaultValues: {
      tier: tenant.tier,
      license_tier: tenant.license_tier,
      monthly_session_hours: tenant.monthly_session_hours?.toString() ?? '',
      max_concurrent_sessions: tenant.max_concurrent_sessions?.toString() ?? '',
    },
  });
  const { errors, isSubmitting } = formState;
  const submit = handleSubmit(async (form) => {
    setFailure(null);
    try {
      const json = { tier: form.tier, license_tier: form.license_tier, monthly_session_hours: override(form.monthly_session_hours), max_concurrent_sessions: override(form.max_concurrent_sessions) };
      const { tenant: saved } = await (await api.tenants[':id'].$put({ param: { id: tenant.id }, json })).json();
      queryClient.setQueryData(tenantQuery(tenant.id).queryKey, saved);
      await queryClient.invalidateQueries({ queryKey: platformKeys.tenants });
      onSaved();
    } catch (error) {
      if (!showApiFieldError(error, setError, fieldOf)) setFailure(error);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Plan and overrides">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-tier`} label="Plan" hint="The plan's limits apply where no override is set." error={errors.tier}>
          {(aria) => (
            <select {...aria} className={SELECT_CLASS} {...register('tier')}>
              {PLANS.map((plan) => (
                <option key={plan.tier} value={plan.tier}>
                  {plan.tier}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-license`} label="Voice nodes" hint="dedicated: the tenant's own pool of nodes; shared: the platform's." error={errors.license_tier}>
          {(aria) => (
            <select {...aria} className={SELECT_CLASS} {...register('license_tier')}>
              <option value="shared">shared</option>
              <option value="dedicated">dedicated</option>
            </select>
          )}
        </Field>
        <Field id={`${id}-hours`} label="Session hours a month" hint="Override; empty: the plan's." error={errors.monthly_session_hours}>
          {(aria) => <Input {...aria} type="number" inputMode="decimal" step="any" {...register('monthly_session_hours')} />}
        </Field>
        <Field id={`${id}-concurrent`} label="Sessions at once" hint="Override; empty: the plan's." error={errors.max_concurrent_sessions}>
          {(aria) => <Input {...aria} type="number" inputMode="numeric" {...register('max_concurrent_sessions')} />}
        </Field>
      </div>
      <FormFooter failure={failure} label="Save plan and overrides" pending={isSubmitting} />
    </form>
  );
}
