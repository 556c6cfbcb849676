/**
 * The tenants' LLM in the edge tests: the providers' OpenAI-compatible stand-in
 * (a real server, started by vitest.config.ts), reached by the Worker at
 * `http://llm.test/v1` through miniflare's outbound service, which forwards
 * here. Tests read what it was asked at `GET http://llm.test/__requests`.
 */
import type { RecordedRequest, StandIn } from '../../providers/test/stand-ins/index.ts';

export const LLM_STAND_IN_HOST = 'llm.test';
export const LLM_STAND_IN_BASE = `http://${LLM_STAND_IN_HOST}/v1`;
/** Requests without this key are answered 401, as OpenAI would. */
export const LLM_STAND_IN_KEY = 'sk-test-recap-4f1c2a';
export const LLM_STAND_IN_REPLY = 'Last time, the party bargained with Grimjaw for star-iron and learned that the Redbrands took the shipment.';

export type { RecordedRequest };

/** One request for the stand-in's host: the record to the test, the rest to the server. */
export async function llmStandInRoute(standIn: StandIn, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === '/__requests') return Response.json({ requests: standIn.requests });
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  return fetch(`${new URL(standIn.url).origin}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body });
}
