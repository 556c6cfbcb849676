import { Validator } from '@seriousme/openapi-schema-validator';

/**
 * A maintained OpenAPI validator (@seriousme/openapi-schema-validator, on ajv) in the
 * test runner's Node process: ajv compiles code at run time, which workerd forbids, so a
 * test POSTs the document here and gets `{valid, errors}` back.
 */
export const OPENAPI_VALIDATOR_HOST = 'openapi-validator.test';

export async function validateOpenApi(request: Request): Promise<Response> {
  const result = await new Validator().validate((await request.json()) as Record<string, unknown>);
  return Response.json(result);
}
