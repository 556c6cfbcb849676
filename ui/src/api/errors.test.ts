import { describe, expect, it } from 'vitest';
import { ApiRequestError, errorFrom, nextStep } from './errors.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('API errors', () => {
  it('keep the edge’s code, message and field', async () => {
    const error = await errorFrom(json(400, { error: { code: 'invalid_request', message: 'name: too long', field: 'name' } }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: 'name: too long', field: 'name' });
    expect(nextStep(error)).toBe('Correct name and try again.');
  });

  it('turn an answer that is not the edge’s (a proxy page) into one the user can read', async () => {
    const error = await errorFrom(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(error).toMatchObject({ status: 502, code: 'http_error', message: 'The server answered 502 Bad Gateway' });
    expect(nextStep(error)).toMatch(/try again in a moment/i);
  });

  it('say what to do next for each kind of refusal, and for no answer at all', () => {
    expect(nextStep(new ApiRequestError(401, 'unauthorized', 'x'))).toMatch(/sign in again/);
    expect(nextStep(new ApiRequestError(403, 'forbidden', 'x'))).toMatch(/Ask an owner/);
    expect(nextStep(new ApiRequestError(429, 'rate_limited', 'x'))).toMatch(/wait a minute/);
    expect(nextStep(new ApiRequestError(402, 'plan_limit', 'x'))).toMatch(/an owner can choose a bigger plan on the team's Plan screen/);
    expect(nextStep(new TypeError('Failed to fetch'))).toMatch(/connection/);
  });
});
