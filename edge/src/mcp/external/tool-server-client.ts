import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/** The most one answer of a tool server may hold; more is cut off as a failure. */
export const MAX_ANSWER_BYTES = 256 * 1024;
const CLIENT_INFO = { name: 'glyphoxa-edge', version: '1.0.0' };
/** How much of a server's own error message is passed on (it reaches the model). */
const MAX_ERROR_TEXT = 200;

/** A tenant's tool server as one call reaches it: headers opened, for this call only. */
export interface ToolServerTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * A call the server failed (timed out, broke the protocol, answered too much): a sentence
 * the NPC can say. `serverFault` is false when the server worked but refused the request
 * (a JSON-RPC error), which says nothing against its health.
 */
export class ToolServerFailure extends Error {
  readonly serverFault: boolean;

  constructor(message: string, serverFault = true) {
    super(message);
    this.name = 'ToolServerFailure';
    this.serverFault = serverFault;
  }
}

/**
 * Runs `work` over the official MCP SDK client connected to the server, all of it (the
 * initialize handshake included) within the server's timeout: when it runs out every
 * request in flight is aborted and the caller gets a ToolServerFailure at once, whatever
 * the server does. Redirects are refused (they could lead anywhere) and answers are read
 * through a byte limit, so a hostile server can neither steer nor flood the edge.
 */
export async function withToolServer<T>(target: ToolServerTarget, work: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timedOut = new ToolServerFailure(`${target.name} did not answer within ${target.timeoutMs} ms`);
  let violation: ToolServerFailure | null = null;
  const transport = new StreamableHTTPClientTransport(new URL(target.url), {
    requestInit: { headers: target.headers, redirect: 'manual' },
    fetch: async (url, init) => {
      const res = await fetch(url, { ...init, redirect: 'manual', signal: controller.signal });
      if (res.status >= 300 && res.status < 400) throw (violation = new ToolServerFailure(`${target.name} answered with a redirect, which tool servers may not`));
      return bounded(res, () => (violation = new ToolServerFailure(`${target.name} answered more than ${MAX_ANSWER_BYTES / 1024} KiB`)));
    },
  });
  const client = new Client(CLIENT_INFO);
  // Ends the call early: the time running out, or the transport failing outside a request (a garbled event stream).
  let fail: (err: unknown) => void = () => {};
  const deadline = new Promise<never>((_, reject) => {
    fail = reject;
    controller.signal.addEventListener('abort', () => reject(timedOut));
  });
  client.onerror = (err) => fail(err);
  deadline.catch(() => {});
  const timer = setTimeout(() => controller.abort(), target.timeoutMs);
  const options: RequestOptions = { signal: controller.signal, timeout: target.timeoutMs };
  try {
    const run = (async () => {
      await client.connect(transport, options);
      return work(client, options);
    })();
    // Whichever loses the race must not surface later as an unhandled rejection.
    run.catch(() => {});
    return await Promise.race([run, deadline]);
  } catch (err) {
    throw violation ?? (controller.signal.aborted ? timedOut : failureOf(target.name, err));
  } finally {
    clearTimeout(timer);
    controller.abort();
    void client.close().catch(() => {});
  }
}

/** The response with its body cut off (an error) past MAX_ANSWER_BYTES. */
function bounded(res: Response, exceeded: () => Error): Response {
  if (!res.body) return res;
  if (Number(res.headers.get('content-length')) > MAX_ANSWER_BYTES) {
    void res.body.cancel();
    throw exceeded();
  }
  let seen = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      seen += chunk.byteLength;
      if (seen > MAX_ANSWER_BYTES) out.error(exceeded());
      else out.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(limit), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** What went wrong, in a sentence; a JSON-RPC error is the server refusing, not failing. */
function failureOf(name: string, err: unknown): ToolServerFailure {
  if (err instanceof McpError) return new ToolServerFailure(`${name} refused: ${err.message.slice(0, MAX_ERROR_TEXT)}`, false);
  if (err instanceof StreamableHTTPError && err.code !== undefined && err.code > 0) return new ToolServerFailure(`${name} answered HTTP ${err.code}`);
  // fetch's own failures (refused, reset); anything else is an answer the SDK could not read.
  if (err instanceof TypeError || (err instanceof Error && /network|connect/i.test(err.message))) return new ToolServerFailure(`${name} could not be reached`);
  return new ToolServerFailure(`${name} answered something that is not MCP`);
}
