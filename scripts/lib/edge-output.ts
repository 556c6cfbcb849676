import { LOG_LEVELS, type LogLevel } from '../../protocol/src/log.ts';

/** What wrangler prints when workerd dies under it; it restarts it, but the Worker does not come back. */
const RUNTIME_CRASHED = /The Workers runtime crashed unexpectedly/;

export interface EdgeOutput {
  /** Prints the line if `level` lets it through. */
  show(line: string, stream: 'stdout' | 'stderr'): void;
  /** The line says workerd died. */
  crashed(line: string): boolean;
}

/**
 * `npm start`'s view of `wrangler dev` (run at its log level `log`, so the Worker's own
 * console lines come through): the Worker's structured log lines at `level` and above,
 * exactly as the edge wrote them; everything wrangler writes to stderr (its warnings and
 * errors, the Worker's uncaught exceptions); and wrangler's own chatter (banner, one line
 * per request) only at `debug`.
 */
export function edgeOutput(level: LogLevel): EdgeOutput {
  const threshold = LOG_LEVELS.indexOf(level);
  return {
    show(line, stream) {
      if (stream === 'stderr') return void process.stderr.write(`${line}\n`);
      const lineLevel = structuredLevel(line);
      const shown = lineLevel ? LOG_LEVELS.indexOf(lineLevel) >= threshold : level === 'debug';
      if (shown) process.stdout.write(`${line}\n`);
    },
    crashed: (line) => RUNTIME_CRASHED.test(line),
  };
}

/** The level of one of our JSON log lines; undefined for anything else. */
function structuredLevel(line: string): LogLevel | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return LOG_LEVELS.includes(level as LogLevel) ? (level as LogLevel) : undefined;
  } catch {
    return undefined;
  }
}
