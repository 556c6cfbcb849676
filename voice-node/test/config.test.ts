import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, connectUrl, HELP, readCommand, type Config } from '../src/config.ts';
import { NODE_VERSION } from '../src/version.ts';

const required = ['--edge-url', 'https://edge.example.com', '--token', 't0k'];

/** The configuration a command line and environment run with. */
function loadConfig(argv: string[], env: Record<string, string>): Config {
  const command = readCommand(argv, env);
  if (command.action !== 'run') throw new Error(`expected to run, got ${command.action}`);
  return command.config;
}

function configError(argv: string[], env: Record<string, string> = {}): string {
  try {
    loadConfig(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('node configuration', () => {
  it('reads every flag', () => {
    const argv = [...required, '--capacity', '8', '--region', 'eu-west', '--health-port', '9100', '--node-id', 'vm-7', '--tool-rounds', '5', '--tool-filler-ms', '400'];
    expect(loadConfig(argv, {})).toEqual({
      edgeUrl: 'https://edge.example.com',
      token: 't0k',
      capacity: 8,
      region: 'eu-west',
      healthPort: 9100,
      nodeId: 'vm-7',
      logLevel: 'info',
      listenHost: '127.0.0.1',
      audioUrl: undefined,
      defaultProviders: {},
      tools: { maxRounds: 5, fillerAfterMs: 400 },
      realtimePriority: 0,
    });
  });

  it('falls back to environment variables, then defaults', () => {
    const config = loadConfig([], { EDGE_URL: 'http://127.0.0.1:8787', NODE_TOKEN: 'env-token', NODE_REGION: '' });
    expect(config).toMatchObject({ edgeUrl: 'http://127.0.0.1:8787', token: 'env-token', capacity: 4, region: 'local', healthPort: 0 });
  });

  it('prefers a flag over its environment variable', () => {
    expect(loadConfig([...required, '--capacity', '2'], { NODE_CAPACITY: '9' }).capacity).toBe(2);
  });

  it('takes the node id from its token, else the host name, so it survives restarts', () => {
    expect(loadConfig(['--edge-url', 'https://edge.example.com', '--token', 'node-1a2b3c4d.s3cr3t'], {}).nodeId).toBe('node-1a2b3c4d');
    expect(loadConfig(required, {}).nodeId).toBe(hostname());
    expect(loadConfig(required, { NODE_ID: 'vm-9' }).nodeId).toBe('vm-9');
  });

  it('names the flag and its variable in errors', () => {
    expect(configError(['--token', 'x'])).toBe('--edge-url (EDGE_URL) is required');
    expect(configError(['--edge-url', 'https://e.example'])).toBe('--token (NODE_TOKEN) is required');
    expect(configError([...required, '--capacity', 'lots'])).toBe('--capacity (NODE_CAPACITY) must be a whole number');
    expect(configError(required, { HEALTH_PORT: '70000' })).toBe('--health-port (HEALTH_PORT) must be at most 65535');
    expect(configError(['--edge-url', 'ftp://e.example', '--token', 'x'])).toMatch(/^--edge-url \(EDGE_URL\) must be an http/);
    expect(configError([...required, '--log-level', 'loud'])).toMatch(/^--log-level \(LOG_LEVEL\) must be one of/);
  });

  it('reads default providers as JSON and names what is wrong in them', () => {
    const tts = { kind: 'espeak', base_url: 'http://127.0.0.1', model: 'espeak-ng' };
    expect(loadConfig(required, { DEFAULT_PROVIDERS: JSON.stringify({ tts }) }).defaultProviders).toEqual({ tts });
    expect(configError(required, { DEFAULT_PROVIDERS: '{nope' })).toBe('--default-providers (DEFAULT_PROVIDERS) must be JSON');
    expect(configError(required, { DEFAULT_PROVIDERS: JSON.stringify({ tts: { ...tts, base_url: 'not a url' } }) })).toMatch(
      /^--default-providers \(DEFAULT_PROVIDERS\) .*tts\.base_url/,
    );
    expect(configError([...required, '--audio-url', 'http://x.example/audio'])).toBe('--audio-url (AUDIO_URL) must be a ws(s) URL');
  });

  it('rejects unknown flags', () => {
    expect(configError([...required, '--tokne', 'x'])).toMatch(/--tokne/);
  });

  it('answers --help and --version before reading any setting', () => {
    expect(readCommand(['--help'], {})).toEqual({ action: 'help' });
    expect(readCommand(['-h'], {})).toEqual({ action: 'help' });
    // Even with a bad setting beside it: asking for help is never an error.
    expect(readCommand([...required, '--capacity', 'lots', '--help'], {})).toEqual({ action: 'help' });
    expect(readCommand(['--version'], { HEALTH_PORT: '70000' })).toEqual({ action: 'version' });
  });

  it('lists every setting in the help with its variable and default', () => {
    for (const [flag, env] of [['--edge-url URL', 'EDGE_URL'], ['--token TOKEN', 'NODE_TOKEN'], ['--default-providers JSON', 'DEFAULT_PROVIDERS'], ['--log-level L', 'LOG_LEVEL']]) {
      expect(HELP).toMatch(new RegExp(`^  ${flag} +${env} +\\S`, 'm'));
    }
    expect(HELP).toMatch(/^  --capacity N +NODE_CAPACITY +.*\(default 4\)$/m);
    expect(HELP).toContain(`print the version (${NODE_VERSION}) and exit`);
  });
});

describe('connectUrl', () => {
  it('maps http to ws and https to wss, appending the endpoint path', () => {
    expect(connectUrl('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/nodes/connect');
    expect(connectUrl('https://edge.example.com/')).toBe('wss://edge.example.com/nodes/connect');
    expect(connectUrl('https://example.com/glyphoxa/')).toBe('wss://example.com/glyphoxa/nodes/connect');
    expect(connectUrl('wss://edge.example.com')).toBe('wss://edge.example.com/nodes/connect');
  });
});
