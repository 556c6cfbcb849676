import { Scalar } from '@scalar/hono-api-reference';

/** GET /api/docs: interactive API docs (Scalar) over the generated document at /api/v1/openapi.json. */
export const apiDocs = () => Scalar({ url: '/api/v1/openapi.json', pageTitle: 'Glyphoxa Edge API' });
