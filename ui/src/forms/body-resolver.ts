import { toNestErrors } from '@hookform/resolvers';
import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';
import * as v from 'valibot';
import { issuePath } from '@glyphoxa/protocol';

/**
 * A react-hook-form resolver that checks a form with the API's own body schema: the form's
 * values become the body (`toBody`), the schema the edge validates with checks it, and each
 * issue lands on the field its path names (`fieldOf`), so the browser refuses exactly what
 * the edge would, in the edge's words. The submit handler receives the body.
 */
export function bodyResolver<F extends FieldValues, S extends v.GenericSchema>(schema: S, toBody: (form: F) => v.InferInput<S>, fieldOf: (path: string) => string): Resolver<F, unknown, v.InferInput<S>> {
  return async (values, _context, options) => {
    const body = toBody(values);
    const result = v.safeParse(schema, body);
    if (result.success) return { values: body, errors: {} };
    const errors: FieldErrors = {};
    for (const issue of result.issues) {
      const field = fieldOf(issuePath(issue) ?? '');
      errors[field] ??= { type: issue.type, message: issue.message };
    }
    // Keyed by path ('voice.pitch'), nested the way react-hook-form reads them (errors.voice.pitch).
    return { values: {}, errors: toNestErrors(errors, options) };
  };
}
