#!/usr/bin/env bun
import { createLogger } from '@glyphoxa/protocol';
import { createOutputStats } from './audio/output-stats.ts';
import { loadVadEngine } from './audio/vad/load.ts';
import { ConfigError, connectUrl, HELP, readCommand, USAGE, type Config } from './config.ts';
import { createDispatcher } from './dispatch.ts';
import { connectToEdge, type EdgeConnection } from './edge-connection.ts';
import { startHealthServer } from './health-server.ts';
import { createMetrics } from './metrics.ts';
import { createVoiceRuntime } from './pipeline/voice-runtime.ts';
import { useRealtimeScheduling } from './realtime.ts';
import { createSessionRegistry } from './sessions.ts';
import { createTranscriptOutbox } from './transcript-outbox.ts';
import { createDiscordClientRegistry } from './transport/discord-clients.ts';
import { attachAudioEndpoint, AUDIO_PATH_PREFIX, type AudioSessionEntry } from './transport/websocket-audio-endpoint.ts';
import { NODE_VERSION } from './version.ts';

/** After this, shutdown stops waiting for sessions and the edge. */
const SHUTDOWN_TIMEOUT_MS = 5000;

/** The configuration to run with; `--help` and `--version` print and exit 0, a bad setting exits 2. */
function readConfig(): Config {
  try {
    const command = readCommand(process.argv.slice(2), process.env);
    if (command.action === 'run') return command.config;
    process.stdout.write(`${command.action === 'help' ? HELP : NODE_VERSION}\n`);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`voice-node: ${err.message}\n${USAGE}\nRun 'voice-node --help' for every setting.\n`);
    process.exit(2);
  }
}

const config = readConfig();
const log = createLogger({ node_id: config.nodeId }, { level: config.logLevel });
// Before the Silero worker starts, which then leaves it (see realtime.ts).
const realtime = config.realtimePriority > 0 ? await useRealtimeScheduling(config.realtimePriority) : undefined;
if (realtime && !realtime.granted) log.warn('real-time scheduling refused; audio frames may go out late on a busy machine', { reason: realtime.reason });
const metrics = createMetrics();
const vad = await loadVadEngine(log);
const audioSessions = new Map<string, AudioSessionEntry>();
const outputStats = createOutputStats();

let connection: EdgeConnection | undefined;
const transcripts = createTranscriptOutbox((message) => connection?.send(message), log, () => connection?.isConnected() ?? false);
const registry = createSessionRegistry({
  capacity: config.capacity,
  startRuntime: createVoiceRuntime({
    vad,
    defaultProviders: config.defaultProviders,
    audioSessions,
    discordClients: createDiscordClientRegistry({ log }),
    outputStats,
    transcripts,
    countEvent: (event) => metrics.countVoiceEvent(event),
    edge: { url: config.edgeUrl, nodeToken: config.token },
    tools: config.tools,
  }),
  send: (message) => connection?.send(message),
  log,
});

const health = await startHealthServer({
  port: config.healthPort,
  host: config.listenHost,
  status: () => ({ connected: connection?.isConnected() ?? false, sessions: registry.size, output: outputStats.totals() }),
  metrics,
});
const audioEndpoint = attachAudioEndpoint(health.server, (sessionId) => audioSessions.get(sessionId), log);
const audioUrl = config.audioUrl ?? `ws://${config.listenHost}:${health.port}${AUDIO_PATH_PREFIX.replace(/\/$/, '')}`;

connection = connectToEdge({
  url: connectUrl(config.edgeUrl),
  token: config.token,
  hello: { node_id: config.nodeId, version: NODE_VERSION, capacity: config.capacity, region: config.region, audio_url: audioUrl },
  sessions: registry.ids,
  onMessage: createDispatcher({ registry, send: (message) => connection?.send(message), metrics }),
  onError: transcripts.refused,
  log,
  metrics,
});

log.info('voice node started', {
  version: NODE_VERSION,
  health_port: health.port,
  audio_url: audioUrl,
  vad: vad.kind,
  edge_url: config.edgeUrl,
  capacity: config.capacity,
  region: config.region,
  realtime_priority: realtime?.granted ? config.realtimePriority : 0,
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
  await connection?.close();
  await audioEndpoint.close();
  await health.close();
  await vad.close();
  log.info('voice node stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
