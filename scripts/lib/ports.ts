import { readFileSync } from 'node:fs';
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

/**
 * A port free right now, outside the OS's ephemeral range where it can: a port the OS hands out
 * for `listen(0)` comes from the range outgoing connections take their local ports from, so in the
 * seconds before its user binds it a connection (to Postgres, the pooler, workerd) could take it.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  for (let attempt = 0; low > 20_001 && attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * (low - 20_000));
    if (await listens(port)) return port;
  }
  return listenAnywhere();
}

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // Not Linux: the OS's choice below.
  }
  return [0, 0];
}

/** Whether 127.0.0.1:`port` could be listened on (it is closed again at once). */
function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now. */
function listenAnywhere(): Promise<number> {
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
