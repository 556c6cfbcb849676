#!/usr/bin/env bun
import { ConfigError, connectUrl, loadConfig, USAGE, type Config } from './config.ts';
import { startControlRuntime } from './control-runtime.ts';
import { createDispatcher } from './dispatch.ts';
import { connectToEdge } from './edge-connection.ts';
import { startHealthServer } from './health-server.ts';
import { createLogger } from '@glyphoxa/protocol';
import { createMetrics } from './metrics.ts';
import { createSessionRegistry } from './sessions.ts';
import { NODE_VERSION } from './version.ts';

/** After this, shutdown stops waiting for sessions and the edge. */
const SHUTDOWN_TIMEOUT_MS = 5000;

function readConfig(): Config {
  try {
    return loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`voice-node: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

const config = readConfig();
const log = createLogger({ node_id: config.nodeId }, { level: config.logLevel });
const metrics = createMetrics();

const registry = createSessionRegistry({
  capacity: config.capacity,
  startRuntime: startControlRuntime,
  send: (message) => connection.send(message),
  log,
});

const connection = connectToEdge({
  url: connectUrl(config.edgeUrl),
  token: config.token,
  hello: { node_id: config.nodeId, version: NODE_VERSION, capacity: config.capacity, region: config.region },
  sessions: registry.ids,
  onMessage: createDispatcher({ registry, send: (message) => connection.send(message), metrics }),
  log,
  metrics,
});

const health = await startHealthServer({
  port: config.healthPort,
  status: () => ({ connected: connection.isConnected(), sessions: registry.size }),
  metrics,
});

log.info('voice node started', {
  version: NODE_VERSION,
  health_port: health.port,
  edge_url: config.edgeUrl,
  capacity: config.capacity,
  region: config.region,
});

let shuttingDown = false;

/** Ends every session as `stopped` (reported to the edge), then closes the socket cleanly. */
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info('shutting down', { signal, sessions: registry.size });
  setTimeout(() => {
    log.warn('shutdown timed out; exiting anyway');
    process.exit(0);
  }, SHUTDOWN_TIMEOUT_MS).unref();
  await registry.stopAll('stopped');
  await connection.close();
  await health.close();
  log.info('voice node stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
