import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../errors.ts';

/** An upload refused for what is in (or wrong with) the file; `field` is the form field that carried it. */
export class SampleRefused extends ApiError {
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(status, code, message, 'file');
    this.name = 'SampleRefused';
  }
}

/** The bytes are not the audio they claim to be, or are cut short. */
export const unreadable = (message: string) => new SampleRefused(422, 'invalid_audio', message);
