import { createServer } from 'node:net';

export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number, purpose: string, envVar: string) {
    super(`Port ${port} (${purpose}) is already in use. Stop whatever holds it, or choose another with ${envVar}=<port>.`);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** Throws a PortInUseError naming the variable to change if 127.0.0.1:`port` is taken. */
export function assertPortFree(port: number, purpose: string, envVar: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, purpose, envVar) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
