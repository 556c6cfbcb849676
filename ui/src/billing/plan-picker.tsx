import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check } from 'lucide-react';
import { useId, useState } from 'react';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { cn } from '../lib/cn.ts';
import { billingKeys, choosePlan, type Billing, type Interval, type PaidTier, type Plan } from './billing-queries.ts';
import { changeWords, isLive, priceOf, TIER_NAMES, VOICE_NAMES, yearlySaving } from './plan-words.ts';

/** A card's button fills its width and wraps its words rather than overflowing a narrow card. */
const CARD_BUTTON = 'h-auto min-h-10 w-full whitespace-normal';

const count = (n: number | null, one: string, many: string) => (n === null ? `Unlimited ${many}` : `${n} ${n === 1 ? one : many}`);

/** A plan's limits, as a buyer compares them. */
function Features({ plan }: { plan: Plan }) {
  const l = plan.limits;
  return (
    <ul className="flex flex-col gap-1 text-sm">
      {[
        l.monthly_sessions === null ? 'Unlimited sessions' : `${l.monthly_sessions} sessions a month`,
        l.monthly_session_hours === null ? 'Unlimited session hours' : `${l.monthly_session_hours} session hours a month`,
        `${count(l.max_concurrent_sessions, 'session', 'sessions')} at once`,
        count(l.npcs, 'NPC', 'NPCs'),
        count(l.seats, 'seat', 'seats'),
        VOICE_NAMES[plan.voices],
      ].map((line) => (
        <li key={line} className="flex items-start gap-2">
          <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
          {line}
        </li>
      ))}
    </ul>
  );
}

export interface PlanPickerProps {
  tenantId: string;
  billing: Billing;
  /** The dashboard path Stripe's checkout comes back to. */
  returnPath: string;
  /** Onboarding: staying on the free plan is a choice that moves on. */
  onApprentice?: () => void;
}

/**
 * The plans side by side, monthly or yearly. A paid plan is confirmed first, saying what happens:
 * a first one goes to Stripe's checkout; a live subscription is changed in place, prorated.
 */
export function PlanPicker({ tenantId, billing, returnPath, onApprentice }: PlanPickerProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const live = isLive(billing.subscription) ? billing.subscription : null;
  const [interval, setInterval] = useState<Interval>(live?.interval ?? 'month');
  const [asking, setAsking] = useState<PaidTier | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (tier: PaidTier) => choosePlan(tenantId, { tier, interval }, returnPath),
    onSuccess: async (answer, tier) => {
      if (answer.action === 'checkout') return window.location.assign(answer.checkout_url);
      setAsking(null);
      setChanged(`You are on the ${TIER_NAMES[tier]} plan now, billed every ${interval}. Its limits apply from the next session on.`);
      await queryClient.invalidateQueries({ queryKey: ['tenants', tenantId] });
      await queryClient.invalidateQueries({ queryKey: billingKeys.all(tenantId) });
    },
  });
  const target = billing.plans.find((p) => p.tier === asking);
  return (
    <div className="flex flex-col gap-4">
      <fieldset className="flex flex-wrap items-center gap-2">
        <legend className="sr-only">Billing interval</legend>
        {(['month', 'year'] as const).map((i) => (
          <label key={i} className={cn('flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm', interval === i && 'border-primary bg-secondary font-medium')}>
            <input type="radio" name={`${id}-interval`} value={i} checked={interval === i} onChange={() => (setInterval(i), setAsking(null))} className="size-4" />
            {i === 'month' ? 'Monthly' : 'Yearly (two months free)'}
          </label>
        ))}
      </fieldset>
      {changed && <Alert>{changed}</Alert>}
      <ul aria-label="Plans" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {billing.plans.map((plan) => {
          const name = TIER_NAMES[plan.tier];
          const current = live ? live.tier === plan.tier && live.interval === interval : plan.tier === 'apprentice' && billing.limits.plan === 'apprentice';
          const saving = interval === 'year' ? yearlySaving(plan) : 0;
          return (
            <li key={plan.tier} aria-labelledby={`${id}-${plan.tier}`} className={cn('flex flex-col gap-3 rounded-lg border p-4', current && 'border-primary')}>
              <div>
                <h3 id={`${id}-${plan.tier}`} className="font-semibold">
                  {name}
                  {current && <span className="ml-2 rounded bg-primary px-1.5 py-0.5 text-xs font-medium text-primary-foreground">Your plan</span>}
                </h3>
                <p className="text-lg font-semibold">{priceOf(plan, interval)}</p>
                {saving > 0 && <p className="text-xs text-muted-foreground">Saves ${saving} against paying monthly</p>}
              </div>
              <Features plan={plan} />
              <div className="mt-auto">
                {plan.tier === 'apprentice' ? (
                  live ? (
                    <p className="text-xs text-muted-foreground">To return to Apprentice, cancel in the billing portal: your plan runs to the end of the period you paid for.</p>
                  ) : (
                    onApprentice && (
                      <Button variant="outline" className={CARD_BUTTON} onClick={onApprentice}>
                        Continue with Apprentice
                      </Button>
                    )
                  )
                ) : (
                  !current && (
                    <Button variant={asking === plan.tier ? 'secondary' : 'default'} className={CARD_BUTTON} onClick={() => (setAsking(plan.tier as PaidTier), setChanged(null), change.reset())} aria-label={`Choose ${name}, ${priceOf(plan, interval)}`}>
                      Choose {name}
                    </Button>
                  )
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {target && asking && (
        <div role="group" aria-label={`Confirm the ${TIER_NAMES[target.tier]} plan`} className="flex flex-col gap-3 rounded-md border border-primary p-4">
          <p className="text-sm">{changeWords(billing.subscription, target, interval)}</p>
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => change.mutate(asking)} disabled={change.isPending}>
              {change.isPending ? 'One moment…' : live ? `Yes, switch to ${TIER_NAMES[target.tier]}` : 'Continue to checkout'}
            </Button>
            <Button variant="outline" onClick={() => setAsking(null)} disabled={change.isPending}>
              Keep my plan
            </Button>
          </div>
          <FailureAlert failure={change.error} fallback="The plan was not changed" />
        </div>
      )}
    </div>
  );
}
