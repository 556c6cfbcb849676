import { useState } from 'react';
import { FailureAlert } from './states/failure-alert.tsx';
import { Button } from './ui/button.tsx';

/** A delete that asks first, in place: what goes with it, then Delete or Keep. */
export function ConfirmDelete({ what, consequence, onDelete }: { what: string; consequence: string; onDelete: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  if (!asking) {
    return (
      <Button variant="outline" className="self-start" onClick={() => setAsking(true)}>
        Delete {what}
      </Button>
    );
  }
  const confirm = async () => {
    setPending(true);
    setFailure(null);
    try {
      await onDelete();
    } catch (error) {
      setFailure(error);
      setPending(false);
    }
  };
  return (
    <div role="group" aria-label={`Confirm deleting ${what}`} className="flex flex-col gap-3 rounded-md border border-destructive/50 p-4">
      <p className="text-sm">
        Delete {what}? {consequence} This cannot be undone.
      </p>
      <div className="flex gap-2">
        <Button variant="destructive" onClick={() => void confirm()} disabled={pending}>
          {pending ? 'Deleting…' : `Yes, delete ${what}`}
        </Button>
        <Button variant="outline" onClick={() => setAsking(false)} disabled={pending}>
          Keep it
        </Button>
      </div>
      <FailureAlert failure={failure} fallback="Deleting failed" />
    </div>
  );
}
