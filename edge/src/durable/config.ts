import type { Bindings } from '../env.ts';

/** Control-plane timings; wrangler `[vars]` override them (tests run them fast). */
export interface ControlConfig {
  /** A live session with no heartbeat for this long is ended as `node_lost`. */
  heartbeatTimeoutMs: number;
  /** How often nodes heartbeat (sent to them in `welcome`). */
  heartbeatIntervalMs: number;
  /** The shortest time from now to a coordinator's or Fleet's next alarm (it is set for the next thing due). */
  alarmIntervalMs: number;
  /** How long the edge waits for a node to answer a request. */
  nodeRequestTimeoutMs: number;
  /** A running session is warned this long before its tenant's quota runs out. */
  quotaWarningMs: number;
  /** How often a coordinator writes usage and heartbeats through to Postgres (and re-reads the month's hours). */
  usageFlushIntervalMs: number;
  /**
   * How long a start waits for the database (its reads and writes together, tried again while
   * the database is out of reach or slow) before it is refused as `database_unavailable` with
   * `Retry-After: START_RETRY_AFTER_S`: a start never fails for a slow database otherwise.
   */
  startDatabaseDeadlineMs: number;
}

const DEFAULTS: ControlConfig = {
  heartbeatTimeoutMs: 90_000,
  // A sixth of the timeout, as often as the Fleet's sweep looks: a healthy session is listed five times within
  // its deadline. Each heartbeat is an event of its Fleet, so every 15 s costs less than every 5 s, though an
  // idle Fleet then hibernates between bursts and wakes for each (docs/BENCHMARKS.md, "Idle cost ... fleetwake").
  heartbeatIntervalMs: 15_000,
  alarmIntervalMs: 5_000,
  nodeRequestTimeoutMs: 2_500,
  quotaWarningMs: 5 * 60_000,
  // Billing needs the hours, not the minute: 10,000 tenants flushing every 5 minutes is ~33 flushes/s.
  usageFlushIntervalMs: 300_000,
  startDatabaseDeadlineMs: 8_000,
};

export function controlConfig(env: Partial<Bindings>): ControlConfig {
  const pick = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    heartbeatTimeoutMs: pick(env.HEARTBEAT_TIMEOUT_MS, DEFAULTS.heartbeatTimeoutMs),
    heartbeatIntervalMs: pick(env.HEARTBEAT_INTERVAL_MS, DEFAULTS.heartbeatIntervalMs),
    alarmIntervalMs: pick(env.ALARM_INTERVAL_MS, DEFAULTS.alarmIntervalMs),
    nodeRequestTimeoutMs: pick(env.NODE_REQUEST_TIMEOUT_MS, DEFAULTS.nodeRequestTimeoutMs),
    quotaWarningMs: pick(env.QUOTA_WARNING_MS, DEFAULTS.quotaWarningMs),
    usageFlushIntervalMs: pick(env.USAGE_FLUSH_INTERVAL_MS, DEFAULTS.usageFlushIntervalMs),
    startDatabaseDeadlineMs: pick(env.START_DATABASE_DEADLINE_MS, DEFAULTS.startDatabaseDeadlineMs),
  };
}

/**
 * Postgres client settings for Durable Objects: one connection each. Behind
 * Hyperdrive idle connections cost nothing; locally (wrangler dev, through the
 * local pooler) 10,000 coordinators would each hold a socket, so there
 * `DB_IDLE_TIMEOUT_S` makes them let go.
 */
export function durableObjectDb(env: Partial<Bindings>): { max: number; idleTimeoutSeconds?: number } {
  const idle = Number(env.DB_IDLE_TIMEOUT_S);
  return Number.isFinite(idle) && idle > 0 ? { max: 1, idleTimeoutSeconds: idle } : { max: 1 };
}

/** Longest a start may wait for its node's `active` (joining Discord voice can take seconds). */
export const MAX_WAIT_ACTIVE_MS = 15_000;

/** What a start refused for a database that did not serve it in time is told to wait before retrying (`Retry-After`, seconds). */
export const START_RETRY_AFTER_S = 2;
