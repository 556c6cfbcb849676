import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics, NodeStatus } from './metrics.ts';

export interface HealthServerOptions {
  /** 0 lets the OS pick a free port. */
  port: number;
  /** Loopback unless the operator opens the audio endpoint to browsers. */
  host: string;
  status: () => NodeStatus;
  metrics: Metrics;
}

export interface HealthServer {
  port: number;
  /** For the audio endpoint's WebSocket upgrades. */
  server: Server;
  close(): Promise<void>;
}

/**
 * `/healthz` and `/metrics` (the audio endpoint attaches to the same server). On
 * loopback by default: the node exposes nothing to the network unless told to.
 */
export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const { connected, sessions } = options.status();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', connected, sessions }));
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(options.metrics.render(options.status()));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // A scraper's keep-alive connection would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
