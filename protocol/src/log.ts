/**
 * Structured logs, the same on the edge and on voice nodes: one JSON object a
 * line, carrying context fields (`tenant_id`, `campaign_id`, `session_id`,
 * `node_id`, `request_id`) so logs can be filtered by them.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  with(fields: LogFields): Logger;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: (line: string) => void;
}

/** Field names whose values never reach a log line (bearer tokens, tenants' provider keys). */
const SECRET_FIELD = /token|secret|password|authorization|api_?key|^key$/i;

export function createLogger(context: LogFields = {}, options: LoggerOptions = {}): Logger {
  // console.log: the one sink both workerd (Workers Logs) and Bun have.
  const { level = 'info', sink = (line: string) => console.log(line) } = options;
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lineLevel: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, msg, ...context, ...fields }, redactSecrets));
  };
  return {
    with: (fields) => createLogger({ ...context, ...fields }, options),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
  };
}

/** JSON.stringify replacer: redacts secret-looking fields at any depth. */
export function redactSecrets(key: string, value: unknown): unknown {
  return key && SECRET_FIELD.test(key) && value !== null && value !== undefined ? '[redacted]' : value;
}

/** An error's message for a log field, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
