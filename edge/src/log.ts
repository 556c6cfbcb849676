type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  with(fields: LogFields): Logger;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Field names whose values never reach a log line, whatever they hold. */
const SECRET_FIELD = /token|secret|password|authorization|api_?key|^key$/i;

/**
 * Structured logs: one JSON object a line, carrying the context fields
 * (`tenant_id`, `campaign_id`, `request_id`) so Workers observability can
 * filter by them. Secret-looking fields are redacted at any depth.
 */
export function createLogger(context: LogFields = {}, sink: (line: string) => void = console.log): Logger {
  const emit = (level: Level, msg: string, fields?: LogFields) =>
    sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...context, ...fields }, redactSecrets));
  return {
    with: (fields) => createLogger({ ...context, ...fields }, sink),
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

export function redactSecrets(key: string, value: unknown): unknown {
  return key && SECRET_FIELD.test(key) && value !== null && value !== undefined ? '[redacted]' : value;
}
