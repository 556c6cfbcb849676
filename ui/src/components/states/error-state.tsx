import { TriangleAlert } from 'lucide-react';
import { nextStep } from '../../api/errors.ts';
import { Button } from '../ui/button.tsx';

/** A failure, in words a user can act on: what went wrong, what to do next, and a retry. */
export function ErrorState({ error, title = 'Something went wrong', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="flex flex-col items-start gap-3 rounded-lg border border-destructive/50 bg-destructive/10 p-5">
      <div className="flex items-center gap-2 font-semibold">
        <TriangleAlert className="size-5 text-destructive" aria-hidden="true" />
        {title}
      </div>
      <p className="text-sm">{message}</p>
      <p className="text-sm text-muted-foreground">{nextStep(error)}</p>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
