import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { errorMessage, LOG_LEVELS, MAX_ID_LENGTH, ProviderSettingsSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { NODE_VERSION } from './version.ts';

/** Each setting: its flag, the environment variable behind it, its default, and its help line. */
const SETTINGS = {
  'edge-url': { env: 'EDGE_URL', arg: 'URL', help: "the edge's base URL, http(s)://… (required)" },
  token: { env: 'NODE_TOKEN', arg: 'TOKEN', help: 'the node token from POST /admin/nodes (required)' },
  capacity: { env: 'NODE_CAPACITY', default: '4', arg: 'N', help: 'concurrent sessions, at most 1000' },
  region: { env: 'NODE_REGION', default: 'local', arg: 'R', help: 'region label shown in the fleet view' },
  'health-port': {
    env: 'HEALTH_PORT',
    default: '0',
    arg: 'P',
    help: 'port of /healthz, /metrics and the audio WebSocket; 0 picks a free one',
  },
  'listen-host': { env: 'LISTEN_HOST', default: '127.0.0.1', arg: 'H', help: 'address that port listens on' },
  'audio-url': { env: 'AUDIO_URL', arg: 'URL', help: 'ws(s):// URL browsers reach /audio at (default: the listening address)' },
  'default-providers': { env: 'DEFAULT_PROVIDERS', arg: 'JSON', help: 'providers for sessions whose tenant configured none' },
  'node-id': { env: 'NODE_ID', arg: 'ID', help: "the node's id (default: the token's node id, else the host name)" },
  'log-level': { env: 'LOG_LEVEL', default: 'info', arg: 'L', help: `one of ${LOG_LEVELS.join(', ')}` },
  'tool-rounds': { env: 'TOOL_ROUNDS', default: '3', arg: 'N', help: 'tool rounds an NPC may take in one turn before it must answer, at most 10' },
  'tool-filler-ms': {
    env: 'TOOL_FILLER_MS',
    default: '700',
    arg: 'MS',
    help: 'how long a tool may run before the NPC says a short filler line ("Let me check...")',
  },
  'realtime-priority': {
    env: 'REALTIME_PRIORITY',
    default: '0',
    arg: 'N',
    help: 'SCHED_RR priority 1-99 for the thread that sends audio (needs CAP_SYS_NICE or LimitRTPRIO); 0 leaves it to the normal scheduler',
  },
} as const satisfies Record<string, { env: string; default?: string; arg: string; help: string }>;

type Setting = keyof typeof SETTINGS;

export const USAGE = `usage: voice-node --edge-url URL --token TOKEN [--capacity N] [--region R] [--health-port P] [--listen-host H]
                  [--audio-url URL] [--default-providers JSON] [--node-id ID] [--log-level L]
                  [--tool-rounds N] [--tool-filler-ms MS] [--realtime-priority N]
       voice-node --help | --version`;

const helpRow = (flag: string, env: string, text: string) => `  ${flag.padEnd(26)} ${env.padEnd(18)} ${text}`;

/** What `--help` prints: the usage, then every setting with its variable and default. */
export const HELP = `${USAGE}

Runs a Glyphoxa voice node: it checks in to the edge over a WebSocket and runs the voice
sessions the edge sends it. Every flag falls back to its environment variable, then to its
default; a flag wins over the variable.

${helpRow('flag', 'environment', 'meaning')}
${Object.entries(SETTINGS)
  .map(([flag, s]) => helpRow(`--${flag} ${s.arg}`, s.env, 'default' in s ? `${s.help} (default ${s.default})` : s.help))
  .join('\n')}
${helpRow('-h, --help', '', 'print this help and exit')}
${helpRow('--version', '', `print the version (${NODE_VERSION}) and exit`)}

Exit status: 0 after a clean stop (SIGTERM or SIGINT), 2 for a bad flag or setting.`;

const required = 'is required';

function wholeNumber(max: number) {
  return v.pipe(
    v.string(required),
    v.regex(/^\d+$/, 'must be a whole number'),
    v.transform(Number),
    v.maxValue(max, `must be at most ${max}`),
  );
}

function shortString() {
  return v.pipe(v.string(required), v.nonEmpty(required), v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`));
}

const ConfigSchema = v.pipe(
  v.object({
    'edge-url': v.pipe(
      v.string(required),
      v.url('must be a URL'),
      v.check((url) => /^(https?|wss?):\/\//.test(url), 'must be an http(s) or ws(s) URL'),
    ),
    token: v.pipe(v.string(required), v.nonEmpty(required)),
    capacity: wholeNumber(1000),
    region: shortString(),
    'health-port': wholeNumber(65_535),
    'listen-host': shortString(),
    'audio-url': v.optional(
      v.pipe(v.string(), v.url('must be a URL'), v.check((url) => /^wss?:\/\//.test(url), 'must be a ws(s) URL')),
    ),
    'default-providers': v.optional(
      v.pipe(
        v.string(),
        v.rawTransform(({ dataset, addIssue, NEVER }) => {
          try {
            return JSON.parse(dataset.value) as unknown;
          } catch {
            addIssue({ message: 'must be JSON' });
            return NEVER;
          }
        }),
        ProviderSettingsSchema,
      ),
    ),
    'node-id': v.optional(shortString()),
    'log-level': v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`),
    'tool-rounds': wholeNumber(10),
    'tool-filler-ms': wholeNumber(60_000),
    'realtime-priority': wholeNumber(99),
  }),
  v.transform((input) => ({
    edgeUrl: input['edge-url'],
    token: input.token,
    capacity: input.capacity,
    region: input.region,
    healthPort: input['health-port'],
    listenHost: input['listen-host'],
    /** Where browsers reach `/audio`; unset: derived from the listening address once bound. */
    audioUrl: input['audio-url'],
    /** Providers for sessions whose tenant configured none (keys are the operator's). */
    defaultProviders: input['default-providers'] ?? {},
    // The id the token was issued for (tokens are `<node id>.<secret>`): stable across
    // restarts, so a restarted node reclaims its sessions, and the only one the edge accepts.
    nodeId: input['node-id'] ?? tokenNodeId(input.token) ?? hostname(),
    logLevel: input['log-level'],
    /** NPC tool calling (pipeline/tool-rounds.ts): rounds a turn, and the wait before a filler line. */
    tools: { maxRounds: input['tool-rounds'], fillerAfterMs: input['tool-filler-ms'] },
    /** 0: the fair scheduler (see realtime.ts). */
    realtimePriority: input['realtime-priority'],
  })),
);

export type Config = v.InferOutput<typeof ConfigSchema>;

function tokenNodeId(token: string): string | undefined {
  const dot = token.indexOf('.');
  return dot > 0 ? token.slice(0, dot) : undefined;
}

/** Bad command line or environment; the message names the flag and its variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the command line asks for: the help, the version, or to run with a configuration. */
export type Command = { action: 'help' } | { action: 'version' } | { action: 'run'; config: Config };

/**
 * `--help` and `--version` win over everything else on the command line; otherwise flags
 * win over environment variables, which win over defaults. Throws ConfigError.
 */
export function readCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { help, version, ...flags } = readFlags(argv);
  if (help) return { action: 'help' };
  if (version) return { action: 'version' };
  const input: Record<string, string | undefined> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [Setting, (typeof SETTINGS)[Setting]][]) {
    input[name] = flags[name] ?? nonEmpty(env[setting.env]) ?? ('default' in setting ? setting.default : undefined);
  }
  const result = v.safeParse(ConfigSchema, input);
  if (result.success) return { action: 'run', config: result.output };
  const issue = result.issues[0];
  const name = issue.path?.[0]?.key as Setting | undefined;
  if (!name) throw new ConfigError(issue.message);
  // Inside a JSON setting, say where: `tts.base_url: Invalid URL`.
  const inner = issue.path?.slice(1).map((item) => String(item.key)).join('.');
  throw new ConfigError(`--${name} (${SETTINGS[name].env}) ${inner ? `${inner}: ` : ''}${issue.message}`);
}

type Flags = Partial<Record<Setting, string>> & { help?: boolean; version?: boolean };

function readFlags(argv: readonly string[]): Flags {
  const options = {
    ...Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, { type: 'string' as const }])),
    help: { type: 'boolean' as const, short: 'h' },
    version: { type: 'boolean' as const },
  };
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Flags;
  } catch (err) {
    throw new ConfigError(errorMessage(err));
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** The WebSocket URL of the edge's node endpoint: http -> ws, https -> wss, path appended. */
export function connectUrl(edgeUrl: string): string {
  return edgePath(edgeUrl, '/nodes/connect', 'ws');
}

/** An HTTP(S) URL of the edge (`/nodes/tool-tokens`, `/mcp`), whichever scheme `--edge-url` was given in. */
export function edgeHttpUrl(edgeUrl: string, path: string): string {
  return edgePath(edgeUrl, path, 'http');
}

function edgePath(edgeUrl: string, path: string, scheme: 'ws' | 'http'): string {
  const url = new URL(edgeUrl);
  url.protocol = url.protocol.replace(/^(http|ws)/, scheme);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
