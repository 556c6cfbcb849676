import type { ReactNode } from 'react';
import type { FieldError } from 'react-hook-form';
import { Label } from '../components/ui/label.tsx';

/**
 * A labelled form field with its error beneath it, naming the field ("Pitch must be
 * from -10 to 10"). `children` gets the ids to wire the control with.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: FieldError | undefined; children: (aria: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{label}</Label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {label} {error.message}
        </p>
      )}
    </div>
  );
}
