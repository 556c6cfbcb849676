import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics, NodeStatus } from './metrics.ts';

export interface HealthServerOptions {
  /** 0 lets the OS pick a free port. */
  port: number;
  status: () => NodeStatus;
  metrics: Metrics;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** `/healthz` and `/metrics`, on loopback only: the node exposes nothing to the network. */
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
    server.listen(options.port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
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
