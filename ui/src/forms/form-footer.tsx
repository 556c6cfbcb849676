import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';

/** A form's failure not tied to one field, and its submit button (none when the form is read-only). */
export function FormFooter({ failure, label, pending, readOnly }: { failure: unknown; label: string; pending: boolean; readOnly?: boolean | undefined }) {
  return (
    <>
      <FailureAlert failure={failure} fallback="Saving failed" />
      {!readOnly && (
        <Button type="submit" className="self-start" disabled={pending}>
          {pending ? 'Saving…' : label}
        </Button>
      )}
    </>
  );
}
