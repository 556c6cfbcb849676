import { Link, useParams } from '@tanstack/react-router';
import { ApiRequestError, nextStep } from '../../api/errors.ts';
import { Alert } from '../ui/alert.tsx';

/** What went wrong with an action (nothing while `failure` is null), and what to do next. */
export function FailureAlert({ failure, fallback }: { failure: unknown; fallback: string }) {
  // On a team's screen, a refusal of the plan's limits links to where a bigger plan is chosen.
  const { tenantId } = useParams({ strict: false });
  if (failure === null) return null;
  const planLimit = failure instanceof ApiRequestError && failure.status === 402;
  return (
    <Alert tone="error">
      {failure instanceof Error ? failure.message.replace(/\.$/, '') : fallback}. {nextStep(failure)}
      {planLimit && tenantId && (
        <>
          {' '}
          <Link to="/teams/$tenantId/settings/billing" params={{ tenantId }} className="font-medium text-primary underline underline-offset-4">
            See the plans
          </Link>
        </>
      )}
    </Alert>
  );
}
