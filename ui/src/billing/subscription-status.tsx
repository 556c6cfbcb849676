import type { ReactNode } from 'react';
import { Alert } from '../components/ui/alert.tsx';
import type { Billing } from './billing-queries.ts';
import { day, TIER_NAMES } from './plan-words.ts';

/**
 * What the team's subscription state means for it, and what to do: a failed payment (the grace
 * period, or its end), a cancellation at the period's end, a subscription that ended.
 */
export function SubscriptionStatus({ billing, portal }: { billing: Billing; portal: ReactNode }) {
  const { subscription: s, limits } = billing;
  if (!s) return null;
  const name = TIER_NAMES[s.tier];
  if (s.status === 'past_due' || s.status === 'unpaid') {
    const since = s.past_due_since ? ` on ${day(s.past_due_since)}` : '';
    return (
      <Alert tone="error" className="flex flex-col gap-3">
        <p className="font-medium">A payment failed{since}.</p>
        <p>
          {limits.grace_ends_at
            ? `Your ${name} plan keeps working until ${day(limits.grace_ends_at)} while Stripe retries the card. If it is not paid by then, the team works under Apprentice limits until it is.`
            : `The grace period is over: the team works under Apprentice limits until the invoice is paid; then the ${name} plan returns at once.`}{' '}
          Update the card or pay the open invoice in the billing portal.
        </p>
        {portal}
      </Alert>
    );
  }
  if (s.cancel_at_period_end && s.current_period_end) {
    return <Alert>Your {name} plan is canceled and ends on {day(s.current_period_end)}; the team then moves to Apprentice. To keep it, renew it in the billing portal.</Alert>;
  }
  if (s.status === 'canceled' || s.status.startsWith('incomplete')) {
    return <Alert>Your {name} subscription has ended, so the team works under Apprentice limits. Choose a plan below to subscribe again.</Alert>;
  }
  return null;
}
