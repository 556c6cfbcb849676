import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/errors.ts';
import { showApiFieldError } from './api-field-error.ts';

describe('an API refusal on a form', () => {
  it('lands beside the field the edge names, without the path its message starts with', () => {
    const setError = vi.fn();
    const error = new ApiRequestError(400, 'invalid_request', 'aliases.2: must not be empty', 'aliases.2');
    expect(showApiFieldError(error, setError, (path) => path.split('.')[0]!)).toBe(true);
    expect(setError).toHaveBeenCalledWith('aliases', { type: 'server', message: 'must not be empty' }, { shouldFocus: true });
  });

  it('is left to the form’s own alert when it names no field', () => {
    const setError = vi.fn();
    expect(showApiFieldError(new ApiRequestError(403, 'forbidden', 'viewers cannot'), setError, String)).toBe(false);
    expect(showApiFieldError(new TypeError('Failed to fetch'), setError, String)).toBe(false);
    expect(setError).not.toHaveBeenCalled();
  });
});
