import { nextStep } from '../../api/errors.ts';
import { Alert } from '../ui/alert.tsx';

/** What went wrong with an action (nothing while `failure` is null), and what to do next. */
export function FailureAlert({ failure, fallback }: { failure: unknown; fallback: string }) {
  if (failure === null) return null;
  return (
    <Alert tone="error">
      {failure instanceof Error ? failure.message : fallback}. {nextStep(failure)}
    </Alert>
  );
}
