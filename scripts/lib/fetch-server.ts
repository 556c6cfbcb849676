import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FetchServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a web-standard handler (`Request` in, `Response` out) over real HTTP on 127.0.0.1,
 * so a stand-in written for the workerd tests (edge/test/discord-stand-in.ts) answers a
 * Worker running under wrangler dev too.
 */
export async function serveFetch(handle: (request: Request) => Promise<Response>): Promise<FetchServer> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const body = chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    try {
      const answer = await handle(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
