/**
 * The providers' stand-ins (real servers, started by vitest.config.ts) behind hosts the
 * Worker calls: miniflare's outbound service forwards the Worker's requests for them here,
 * in the test runner's Node process. Tests steer each on its own host:
 *   GET  /__requests   what it was asked
 *   POST /__fail       {status, message?} the next request fails so (the stand-in's `fail`)
 */
import type { Fault, RecordedRequest, StandIn } from '../../providers/test/stand-ins/index.ts';

export type { RecordedRequest };

/** The tenants' LLM (recaps): the OpenAI-compatible stand-in at `http://llm.test/v1`. */
export const LLM_STAND_IN_HOST = 'llm.test';
export const LLM_STAND_IN_BASE = `http://${LLM_STAND_IN_HOST}/v1`;
/** Requests without this key are answered 401, as OpenAI would. */
export const LLM_STAND_IN_KEY = 'sk-test-recap-4f1c2a';
export const LLM_STAND_IN_REPLY = 'Last time, the party bargained with Grimjaw for star-iron and learned that the Redbrands took the shipment.';

/** The tenants' ElevenLabs (voice cloning): its stand-in at `http://elevenlabs.test`. */
export const ELEVENLABS_STAND_IN_HOST = 'elevenlabs.test';
export const ELEVENLABS_STAND_IN_BASE = `http://${ELEVENLABS_STAND_IN_HOST}`;
export const ELEVENLABS_STAND_IN_KEY = 'xi-test-clone-77ab';

export async function standInRoute(standIn: StandIn, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/__requests') return Response.json({ requests: standIn.requests });
  if (url.pathname === '/__fail' && request.method === 'POST') {
    standIn.fail((await request.json()) as Fault);
    return new Response(null, { status: 204 });
  }
  return forward(`${standIn.origin}${url.pathname}${url.search}`, request);
}

/**
 * The Worker's request, sent on to `url` from Node. Miniflare's Request is not Node's, so
 * it is copied; redirects go back to workerd, which follows them (or not) as the caller asked.
 */
export async function forward(url: string, request: Request): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  return fetch(url, { method: request.method, headers: [...request.headers], body, redirect: 'manual' });
}
