import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiRequestError } from '../api/errors.ts';

/**
 * Puts an error the edge answered beside the field it names (`voice.pitch`, `aliases.2`);
 * true when it did. The edge's message starts with the field's path, which the field's
 * label already says.
 */
export function showApiFieldError<F extends FieldValues>(error: unknown, setError: UseFormSetError<F>, fieldOf: (path: string) => string): boolean {
  if (!(error instanceof ApiRequestError) || !error.field) return false;
  const message = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
  setError(fieldOf(error.field) as Path<F>, { type: 'server', message }, { shouldFocus: true });
  return true;
}
