/**
 * voice-node/install.sh, run for real in a scratch root: only what a container cannot do
 * is stubbed (apt-get, systemctl, useradd/userdel/groupdel, and chown when not root);
 * Bun comes as its npm tarball from a local registry, holding a fake `bun`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeBun,
  makeTarball,
  pinnedBunChecksums,
  pinnedBunVersion,
  readCalls,
  REPO,
  runCommand,
  serveRegistries,
  sha256,
  snapshotSource,
  treeOf,
  writeSetpriv,
  writeStubs,
} from './harness.ts';

const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// install.sh gets these from apt on a real machine; here apt-get is a stub.
const missingTools = ['bash', 'curl', 'gzip', 'sha256sum', 'tar', 'dpkg-query'].filter((tool) => !has(tool));
if (missingTools.length > 0) console.warn(`install.sh tests skipped: ${missingTools.join(', ')} not on this machine`);

const isRoot = process.getuid?.() === 0;
const SERVICE = 'glyphoxa-voice-node.service';
const TOKEN = 'node-1a2b3c4d.AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const EDGE = 'https://edge.example.com';

describe.skipIf(missingTools.length > 0)('voice-node/install.sh', () => {
  let scratch: string;
  let script: string;
  let callsFile: string;
  let stubEnv: Record<string, string>;
  let server: Awaited<ReturnType<typeof serveRegistries>>;
  let version: string;
  let tarballHash: string;
  let registry: string;
  let roots = 0;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'glyphoxa-install-'));
    snapshotSource(join(scratch, 'src'));
    script = join(scratch, 'src', 'voice-node', 'install.sh');
    callsFile = join(scratch, 'calls.log');
    stubEnv = writeStubs(join(scratch, 'stubs'), { chown: !isRoot });
    version = pinnedBunVersion(script);
    const tarball = makeTarball(scratch, [
      { name: 'package.json', data: '{"name":"@oven/bun-linux-fake"}', mode: 0o644 },
      { name: 'bin/bun', data: fakeBun(version), mode: 0o755 },
    ]);
    tarballHash = sha256(tarball);
    server = await serveRegistries({ '/npm': tarball });
    registry = `${server.base}/npm`;
  });

  afterAll(async () => {
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const newRoot = () => join(scratch, `root${++roots}`);

  /** Runs install.sh with a clean environment: no EDGE_URL/NODE_TOKEN from this process. */
  function install(
    root: string,
    args: string[],
    options: { env?: Record<string, string>; input?: string; viaEnvRoot?: boolean; script?: string; systemd?: boolean } = {},
  ) {
    // A machine booted with systemd, as install.sh sees it under its root.
    if (options.systemd !== false) mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratch,
      LANG: 'C.UTF-8',
      GLYPHOXA_TEST_CALLS: callsFile,
      GLYPHOXA_TEST_DPKG: join(root, 'var/lib/dpkg'),
      NPM_CONFIG_REGISTRY: registry,
      // The stand-in tarball is not Bun's, so not what install.sh pins: its operator-given checksum.
      GLYPHOXA_BUN_SHA256: tarballHash,
      ...stubEnv,
      ...(options.viaEnvRoot ? { GLYPHOXA_ROOT: root } : {}),
      ...options.env,
    };
    const rootArgs = options.viaEnvRoot ? [] : ['--root', root];
    return runCommand('bash', [options.script ?? script, ...rootArgs, ...args], env, options.input);
  }

  /** The calls recorded by the stubs (and the fake bun) during `action`. */
  async function callsDuring<T>(action: () => Promise<T>): Promise<{ result: T; calls: string[][] }> {
    rmSync(callsFile, { force: true });
    const result = await action();
    return { result, calls: readCalls(callsFile) };
  }

  const named = (calls: string[][], name: string) => calls.filter((call) => call[0] === name).map((call) => call.slice(1));

  function envFileOwner(root: string) {
    return readFileSync(join(root, 'etc/group'), 'utf8').match(/^glyphoxa:x:(\d+):/m)?.[1];
  }

  describe('a fresh install, then again, then an update, then --uninstall', () => {
    let root: string;
    let first: Awaited<ReturnType<typeof install>>;
    let firstCalls: string[][];

    beforeAll(async () => {
      root = newRoot();
      server.requests.length = 0;
      ({ result: first, calls: firstCalls } = await callsDuring(() =>
        install(root, ['--edge-url', EDGE, '--token', TOKEN, '--capacity', '8', '--region', 'eu-west'], { viaEnvRoot: true }),
      ));
    });

    it('installs the packages, the user, Bun, the node, its settings and its unit, and starts it', () => {
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);

      expect(named(firstCalls, 'apt-get')).toEqual([
        ['update', '-q'],
        ['install', '-y', '-q', '--no-install-recommends', 'espeak-ng', 'ca-certificates', 'curl'],
      ]);
      expect(named(firstCalls, 'useradd')).toEqual([
        ['--prefix', root, '--system', '--user-group', '--home-dir', '/var/lib/glyphoxa', '--no-create-home', '--shell', '/usr/sbin/nologin', '--comment', 'Glyphoxa voice node', 'glyphoxa'],
      ]);
      expect(named(firstCalls, 'systemctl')).toEqual([['daemon-reload'], ['enable', '--now', SERVICE]]);

      // Bun: its npm tarball for this CPU, downloaded once from the configured registry, checked.
      expect(server.requests).toEqual([expect.stringMatching(new RegExp(`^/npm/@oven/(bun-linux-(x64|x64-baseline|aarch64))/-/\\1-${version}\\.tgz$`))]);
      const bun = join(root, 'opt/glyphoxa/bun/bun');
      expect(statSync(bun).mode & 0o777).toBe(0o755);
      expect(first.stdout).toMatch(new RegExp(`installed to /opt/glyphoxa/bun/bun from bun-linux-[a-z0-9-]+-${version}\\.tgz \\(sha256 checked \\(--bun-sha256\\)\\)`));

      // The node: its workspaces without tests, dependencies installed by the installed Bun.
      const app = join(root, 'opt/glyphoxa/voice-node');
      for (const file of ['voice-node/src/main.ts', 'voice-node/src/config.ts', 'protocol/src/index.ts', 'providers/package.json', 'package.json', 'package-lock.json', 'bunfig.toml', 'edge/package.json']) {
        expect(existsSync(join(app, file)), file).toBe(true);
      }
      expect(readFileSync(join(app, 'voice-node/src/main.ts'), 'utf8')).toBe(readFileSync(join(REPO, 'voice-node/src/main.ts'), 'utf8'));
      for (const absent of ['voice-node/test', 'protocol/test', 'edge/src', 'db/src', 'node_modules/.cache']) {
        expect(existsSync(join(app, absent)), absent).toBe(false);
      }
      expect(named(firstCalls, 'bun')).toEqual([
        [`cwd=${app}.new`, `registry=${registry}`, 'install', '--production', '--frozen-lockfile', '--filter', '@glyphoxa/voice-node', '--ignore-scripts', '--no-progress', '--no-summary'],
      ]);
      expect(existsSync(join(app, 'node_modules/@glyphoxa/voice-node'))).toBe(true);
      expect(existsSync(`${app}.new`)).toBe(false);

      // State directory for the service user.
      expect(statSync(join(root, 'var/lib/glyphoxa')).mode & 0o777).toBe(0o750);
    });

    it('writes the env file with the settings, readable by root only', () => {
      const envFile = join(root, 'etc/glyphoxa/voice-node.env');
      const settings = readFileSync(envFile, 'utf8')
        .split('\n')
        .filter((line) => line && !line.startsWith('#'));
      expect(settings).toEqual([`EDGE_URL="${EDGE}"`, `NODE_TOKEN="${TOKEN}"`, 'NODE_CAPACITY="8"', 'NODE_REGION="eu-west"', 'HEALTH_PORT="9470"']);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(root, 'etc/glyphoxa')).mode & 0o777).toBe(0o750);
      // root:glyphoxa, and the state directory glyphoxa:glyphoxa.
      const gid = envFileOwner(root);
      expect(gid).toBe('990');
      if (isRoot) {
        expect([statSync(envFile).uid, statSync(envFile).gid]).toEqual([0, 990]);
        expect([statSync(join(root, 'var/lib/glyphoxa')).uid, statSync(join(root, 'var/lib/glyphoxa')).gid]).toEqual([990, 990]);
      } else {
        expect(named(firstCalls, 'chown')).toEqual([
          ['990:990', join(root, 'var/lib/glyphoxa')],
          ['0:990', join(root, 'etc/glyphoxa')],
          ['0:990', expect.stringMatching(new RegExp(`^${join(root, 'etc/glyphoxa')}/\\.voice-node\\.env\\.`))],
        ]);
      }
      // The token is never printed.
      expect(first.stdout + first.stderr).not.toContain(TOKEN);
    });

    it('installs a hardened unit that runs the installed Bun on main.ts with the env file', () => {
      const unit = readFileSync(join(root, 'etc/systemd/system', SERVICE), 'utf8');
      const lines = unit.split('\n');
      const value = (key: string) => lines.filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));
      expect(value('ExecStart')).toEqual(['/opt/glyphoxa/bun/bun --config=/opt/glyphoxa/voice-node/bunfig.toml /opt/glyphoxa/voice-node/voice-node/src/main.ts']);
      expect(value('EnvironmentFile')).toEqual(['/etc/glyphoxa/voice-node.env']);
      expect(value('User')).toEqual(['glyphoxa']);
      expect(value('Restart')).toEqual(['always']);
      expect(value('KillSignal')).toEqual(['SIGTERM']);
      expect(Number(value('TimeoutStopSec')[0])).toBeGreaterThan(5);
      expect(value('ReadWritePaths')).toEqual(['/var/lib/glyphoxa']);
      for (const [key, expected] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes'], ['ProtectHome', 'yes']] as const) {
        expect(value(key), key).toEqual([expected]);
      }
      expect(value('MemoryDenyWriteExecute')).toEqual([]);
      // The node's threads on SCHED_RR (voice-node/src/realtime.ts), allowed by the limit alone, no capability.
      expect(value('Environment')).toContain('REALTIME_PRIORITY=10');
      expect(value('LimitRTPRIO')).toEqual(['10']);
      expect(value('RestrictRealtime')).toEqual([]);
      expect(value('CapabilityBoundingSet')).toEqual(['']);
      expect(value('WantedBy')).toEqual(['multi-user.target']);
      expect(unit).not.toContain('@');
      expect(statSync(join(root, 'etc/systemd/system', SERVICE)).mode & 0o777).toBe(0o644);
    });

    it.skipIf(!has('systemd-analyze'))('passes systemd-analyze verify', async () => {
      // verify wants ExecStart's program to exist: point it into the scratch root.
      const unit = readFileSync(join(root, 'etc/systemd/system', SERVICE), 'utf8').replaceAll('/opt/glyphoxa/', `${root}/opt/glyphoxa/`);
      const copy = join(scratch, SERVICE);
      writeFileSync(copy, unit);
      const result = await runCommand('systemd-analyze', ['verify', '--man=no', copy], { PATH: process.env.PATH });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it('is idempotent: the same run again changes nothing and redoes no work', async () => {
      const before = treeOf(root);
      server.requests.length = 0;
      const { result, calls } = await callsDuring(() =>
        install(root, ['--edge-url', EDGE, '--token', TOKEN, '--capacity', '8', '--region', 'eu-west']),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(treeOf(root)).toEqual(before);
      expect(server.requests).toEqual([]);
      expect(calls).toEqual([['systemctl', 'enable', '--now', SERVICE]]);
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8').match(/^glyphoxa:/gm)).toHaveLength(1);
      expect(result.stdout).toContain('already installed: espeak-ng ca-certificates curl');
      expect(result.stdout).toMatch(/user glyphoxa\s+exists/);
      expect(result.stdout).toContain(`Bun ${version}`);
      expect(result.stdout).toMatch(/voice node\s+up to date/);
      expect(result.stdout).toMatch(/settings\s+unchanged/);
      expect(result.stdout).toMatch(/systemd unit\s+unchanged/);
    });

    it('updates: new settings and new code, keeping the token and hand-added lines, restarts once', async () => {
      const envFile = join(root, 'etc/glyphoxa/voice-node.env');
      writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}LOG_LEVEL=debug\nLISTEN_HOST=0.0.0.0\n`);
      chmodSync(envFile, 0o600);
      const main = join(scratch, 'src/voice-node/src/main.ts');
      writeFileSync(main, `${readFileSync(main, 'utf8')}// updated\n`);

      const providers = '{"tts":{"provider":"espeak","note":"$HOME `x` \\ \'q\'"}}';
      const { result, calls } = await callsDuring(() =>
        install(root, [
          '--region',
          'us-east',
          '--env',
          'AUDIO_URL=wss://node.example.com/audio',
          '--env',
          `DEFAULT_PROVIDERS=${providers}`,
          '--env',
          'LISTEN_HOST=',
        ]),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const settings = readFileSync(envFile, 'utf8')
        .split('\n')
        .filter((line) => line && !line.startsWith('#'));
      expect(settings).toEqual([
        `EDGE_URL="${EDGE}"`,
        `NODE_TOKEN="${TOKEN}"`,
        'NODE_CAPACITY="8"',
        'NODE_REGION="us-east"',
        'HEALTH_PORT="9470"',
        'LOG_LEVEL=debug',
        'AUDIO_URL="wss://node.example.com/audio"',
        'DEFAULT_PROVIDERS="{\\"tts\\":{\\"provider\\":\\"espeak\\",\\"note\\":\\"\\$HOME \\`x\\` \\\\ \'q\'\\"}}"',
      ]);
      // The quoting is the one systemd's EnvironmentFile= and sh share: values come back as given.
      const read = await runCommand('bash', ['-c', `set -a; . '${envFile}'; printf '%s\\n' "$DEFAULT_PROVIDERS" "$NODE_TOKEN" "$LOG_LEVEL"`], { PATH: process.env.PATH });
      expect(read.stdout).toBe(`${providers}\n${TOKEN}\ndebug\n`);
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(root, 'opt/glyphoxa/voice-node/voice-node/src/main.ts'), 'utf8')).toMatch(/\/\/ updated\n$/);
      expect(named(calls, 'bun')).toHaveLength(1);
      expect(named(calls, 'useradd')).toEqual([]);
      expect(named(calls, 'apt-get')).toEqual([]);
      expect(named(calls, 'systemctl')).toEqual([['enable', SERVICE], ['restart', SERVICE]]);
      expect(result.stdout).toContain('NODE_REGION AUDIO_URL DEFAULT_PROVIDERS LISTEN_HOST');
      expect(result.stdout).toMatch(/service\s+restarted: new code, settings since it last started\n/);
    });

    it('a run that fails part-way leaves its work pending: the next run finishes it', async () => {
      const main = join(scratch, 'src/voice-node/src/main.ts');
      const template = join(scratch, 'src/voice-node/deploy/glyphoxa-voice-node.service.in');
      const rerun = (env: Record<string, string> = {}) => callsDuring(() => install(root, [], { env }));

      // New code, then the restart fails: the rerun, with nothing new to install, restarts.
      writeFileSync(main, `${readFileSync(main, 'utf8')}// updated again\n`);
      let run = await rerun({ GLYPHOXA_TEST_SYSTEMCTL_FAIL: 'restart' });
      expect(run.result.code).toBe(1);
      expect(run.result.stderr).toContain('systemctl restart glyphoxa-voice-node failed');
      run = await rerun();
      expect(run.result.code).toBe(0);
      expect(run.result.stdout).toMatch(/voice node\s+up to date/);
      expect(named(run.calls, 'systemctl')).toEqual([['enable', SERVICE], ['restart', SERVICE]]);
      expect(run.result.stdout).toMatch(/service\s+restarted: new code since it last started\n/);

      // A new unit, then daemon-reload fails: the rerun reloads and restarts.
      writeFileSync(template, readFileSync(template, 'utf8').replace('RestartSec=2', 'RestartSec=3'));
      run = await rerun({ GLYPHOXA_TEST_SYSTEMCTL_FAIL: 'daemon-reload' });
      expect(run.result.code).toBe(1);
      expect(run.result.stderr).toContain('systemctl daemon-reload failed');
      expect(named(run.calls, 'systemctl')).toEqual([['daemon-reload']]);
      run = await rerun();
      expect(run.result.code).toBe(0);
      expect(run.result.stdout).toMatch(/systemd unit\s+unchanged/);
      expect(named(run.calls, 'systemctl')).toEqual([['daemon-reload'], ['enable', SERVICE], ['restart', SERVICE]]);
      expect(run.result.stdout).toMatch(/service\s+restarted: new code, unit since it last started\n/);

      // New code and settings, then the run dies writing the settings (before the service):
      // the rerun, finding the code installed, still restarts for both.
      writeFileSync(main, `${readFileSync(main, 'utf8')}// and again\n`);
      const failingChown = join(scratch, 'failing-chown');
      writeFileSync(failingChown, '#!/bin/sh\nexit 1\n');
      chmodSync(failingChown, 0o755);
      run = await callsDuring(() => install(root, ['--capacity', '9'], { env: { GLYPHOXA_CHOWN: failingChown } }));
      expect(run.result.code).toBe(1);
      expect(run.result.stderr).toContain(`chown ${root}/etc/glyphoxa failed`);
      expect(named(run.calls, 'systemctl')).toEqual([]);
      run = await callsDuring(() => install(root, ['--capacity', '9']));
      expect(run.result.code).toBe(0);
      expect(run.result.stdout).toMatch(/voice node\s+up to date/);
      expect(named(run.calls, 'systemctl')).toEqual([['enable', SERVICE], ['restart', SERVICE]]);
      expect(run.result.stdout).toMatch(/service\s+restarted: new code, settings since it last started\n/);

      // Done: the next run has nothing left to do.
      run = await rerun();
      expect(named(run.calls, 'systemctl')).toEqual([['enable', '--now', SERVICE]]);
    });

    it('--uninstall (here, the installed copy of the script) removes service, files, settings, user; again, nothing to do', async () => {
      const installedScript = join(root, 'opt/glyphoxa/voice-node/voice-node/install.sh');
      const { result, calls } = await callsDuring(() => install(root, ['--uninstall'], { script: installedScript }));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(named(calls, 'systemctl')).toEqual([['disable', '--now', SERVICE], ['daemon-reload'], ['reset-failed', SERVICE]]);
      expect(named(calls, 'userdel')).toEqual([['--prefix', root, 'glyphoxa']]);
      expect(result.stdout).toMatch(/removed\s+\/opt\/glyphoxa\n/);
      for (const path of ['etc/systemd/system/glyphoxa-voice-node.service', 'etc/glyphoxa', 'opt/glyphoxa', 'var/lib/glyphoxa']) {
        expect(existsSync(join(root, path)), path).toBe(false);
      }
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^glyphoxa:/m);
      expect(readFileSync(join(root, 'etc/group'), 'utf8')).not.toMatch(/^glyphoxa:/m);

      const again = await callsDuring(() => install(root, ['--uninstall']));
      expect(again.result.code).toBe(0);
      expect(again.calls).toEqual([]);
      expect(again.result.stdout).toContain('nothing to remove');
    });
  });

  it('--uninstall says exactly what it could not do, keeps the unit to retry, and a rerun finishes', async () => {
    const root = newRoot();
    expect((await install(root, ['--edge-url', EDGE, '--token', TOKEN])).code).toBe(0);
    const unit = join(root, 'etc/systemd/system', SERVICE);
    const failingUserdel = join(scratch, 'failing-userdel');
    writeFileSync(failingUserdel, '#!/bin/sh\necho "userdel: user glyphoxa is currently used by process 4242" >&2\nexit 8\n');
    chmodSync(failingUserdel, 0o755);

    const failed = await callsDuring(() =>
      install(root, ['--uninstall'], { env: { GLYPHOXA_TEST_SYSTEMCTL_FAIL: 'disable', GLYPHOXA_USERDEL: failingUserdel } }),
    );
    expect(failed.result.code).toBe(1);
    expect(named(failed.calls, 'systemctl')).toEqual([['disable', '--now', SERVICE]]);
    expect(failed.result.stdout).toMatch(/service\s+NOT stopped or disabled: systemctl disable --now failed; unit kept\n/);
    expect(failed.result.stdout).toMatch(/user glyphoxa\s+NOT removed: userdel failed\n/);
    expect(failed.result.stdout).not.toMatch(/stopped and disabled|unit\s+removed|Done\./);
    expect(failed.result.stderr).toContain('install.sh: not done:\n  - the service was not stopped or disabled (systemctl disable --now failed)');
    expect(failed.result.stderr).toContain('  - user glyphoxa was not removed (userdel failed');
    expect(failed.result.stderr).toContain('  - group glyphoxa was not removed (user glyphoxa still exists)');
    expect(existsSync(unit)).toBe(true);
    for (const path of ['etc/glyphoxa', 'opt/glyphoxa', 'var/lib/glyphoxa']) expect(existsSync(join(root, path)), path).toBe(false);
    expect(failed.result.stdout).toMatch(/removed\s+\/opt\/glyphoxa\n/);

    const rerun = await callsDuring(() => install(root, ['--uninstall']));
    expect(rerun.result.stderr).toBe('');
    expect(rerun.result.code).toBe(0);
    expect(named(rerun.calls, 'systemctl')).toEqual([['disable', '--now', SERVICE], ['daemon-reload'], ['reset-failed', SERVICE]]);
    expect(named(rerun.calls, 'userdel')).toEqual([['--prefix', root, 'glyphoxa']]);
    expect(rerun.result.stdout).toMatch(/service\s+stopped and disabled\n/);
    expect(rerun.result.stdout).toContain('Done.');
    expect(existsSync(unit)).toBe(false);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^glyphoxa:/m);

    // A failed daemon-reload after the unit is gone: said, and how to finish.
    const second = newRoot();
    expect((await install(second, ['--edge-url', EDGE, '--token', TOKEN])).code).toBe(0);
    const reload = await install(second, ['--uninstall'], { env: { GLYPHOXA_TEST_SYSTEMCTL_FAIL: 'daemon-reload' } });
    expect(reload.code).toBe(1);
    expect(reload.stdout).toMatch(/service\s+stopped and disabled\n/);
    expect(reload.stdout).toMatch(/systemd\s+NOT reloaded: systemctl daemon-reload failed\n/);
    expect(reload.stderr).toContain('  - systemd was not reloaded (systemctl daemon-reload failed): it knows the removed unit until systemctl daemon-reload');
    expect(existsSync(join(second, 'etc/systemd/system', SERVICE))).toBe(false);
  });

  it('without a token and no terminal to ask on: exit 2, naming --token, nothing done', async () => {
    const root = newRoot();
    const { result, calls } = await callsDuring(() => install(root, ['--edge-url', EDGE]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--token');
    expect(result.stderr).not.toContain('--edge-url URL');
    expect(calls).toEqual([]);
    expect(existsSync(join(root, 'opt'))).toBe(false);
  });

  it('refuses a bad edge URL, a token with whitespace, a bad capacity or option with exit 2', async () => {
    const cases: [string[], string][] = [
      [['--edge-url', 'ftp://edge.example.com', '--token', TOKEN], '--edge-url (EDGE_URL) must be an http:// or https:// URL'],
      [['--edge-url', 'edge.example.com', '--token', TOKEN], '--edge-url (EDGE_URL) must be an http:// or https:// URL'],
      [['--edge-url', EDGE, '--token', 'node-1a2b3c4d.abc def'], '--token (NODE_TOKEN) must not contain whitespace'],
      [['--edge-url', EDGE, '--token', TOKEN, '--capacity', 'many'], '--capacity (NODE_CAPACITY) must be a whole number from 1 to 1000'],
      [['--edge-url', EDGE, '--token', TOKEN, '--env', 'NODE_TOKEN=x'], '--env NODE_TOKEN: use its own option'],
      [['--edge-url', EDGE, '--token', TOKEN, '--tokn', TOKEN], 'unknown option: --tokn'],
    ];
    for (const [args, message] of cases) {
      const root = newRoot();
      const { result, calls } = await callsDuring(() => install(root, args));
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(calls).toEqual([]);
    }
  });

  it('--help prints the usage with every option and exits 0, before any check and changing nothing', async () => {
    for (const flag of ['--help', '-h']) {
      const root = newRoot();
      // Even beside a bad option after it, and with no systemd: asking for help is never an error.
      const { result, calls } = await callsDuring(() => install(root, [flag, '--capacity', 'lots'], { systemd: false }));
      expect(result.stderr).toBe('');
      expect(result.code, flag).toBe(0);
      expect(result.stdout).toMatch(/^usage: install\.sh \[--edge-url URL\]/);
      for (const option of ['--token', '--registry', '--bun-sha256', '--skip-bun-checksum', '--no-systemd', '--uninstall', '--root']) {
        expect(result.stdout, option).toMatch(new RegExp(`^ {2}${option}\\b`, 'm'));
      }
      expect(result.stdout).toContain(`Installs Bun ${version} and the voice node`);
      expect(calls).toEqual([]);
      expect(existsSync(root)).toBe(false);
    }
  });

  it('takes the settings from the environment (EDGE_URL, NODE_TOKEN) as well as flags', async () => {
    const root = newRoot();
    const result = await install(root, [], { env: { EDGE_URL: 'http://127.0.0.1:8787', NODE_TOKEN: TOKEN } });
    expect(result.code).toBe(0);
    expect(readFileSync(join(root, 'etc/glyphoxa/voice-node.env'), 'utf8')).toContain('EDGE_URL="http://127.0.0.1:8787"\nNODE_TOKEN=');
  });

  it('installs Bun only if its tarball matches the checksum pinned in the script (or given), unless told to skip it', async () => {
    const pinned = pinnedBunChecksums(script);
    const cases = [
      [{}, 'pinned in install.sh for Bun'],
      [{ GLYPHOXA_BUN_SHA256: 'f'.repeat(64) }, '--bun-sha256'],
    ] as const;
    for (const [env, source] of cases) {
      const root = newRoot();
      server.requests.length = 0;
      const result = await install(root, ['--edge-url', EDGE, '--token', TOKEN], { env: { GLYPHOXA_BUN_SHA256: '', ...env } });
      const asset = server.requests[0]?.match(/@oven\/(bun-linux-[a-z0-9-]+)\//)?.[1] ?? '';
      const expected = 'GLYPHOXA_BUN_SHA256' in env ? env.GLYPHOXA_BUN_SHA256 : pinned.get(`${asset}@${version}`);
      expect(expected).toMatch(/^[0-9a-f]{64}$/);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Bun download failed its checksum: ${asset}-${version}.tgz from ${registry}/@oven/${asset}/-/${asset}-${version}.tgz`);
      expect(result.stderr).toContain(`has sha256 ${tarballHash}, expected ${expected} (${source}`);
      expect(existsSync(join(root, 'opt/glyphoxa/bun/bun'))).toBe(false);
      expect(existsSync(join(root, 'etc/systemd/system', SERVICE))).toBe(false);
    }

    // The operator's checksum, in any case of hex digits, passes.
    const checked = await install(newRoot(), ['--edge-url', EDGE, '--token', TOKEN, '--bun-sha256', tarballHash.toUpperCase()]);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('(sha256 checked (--bun-sha256))');

    // Installing an unverified Bun takes the explicit flag, and says so.
    const skipped = await install(newRoot(), ['--edge-url', EDGE, '--token', TOKEN, '--skip-bun-checksum'], { env: { GLYPHOXA_BUN_SHA256: '' } });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain(`warning: Bun is NOT verified (--skip-bun-checksum): `);
    expect(skipped.stdout).toContain('(checksum NOT verified: --skip-bun-checksum)');

    const both = await install(newRoot(), ['--edge-url', EDGE, '--token', TOKEN, '--skip-bun-checksum']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--bun-sha256 and --skip-bun-checksum exclude each other');
  });

  it('pins a SHA-256 for every Bun build it can pick, of the pinned version', () => {
    const pinned = pinnedBunChecksums(script);
    const picked = [...readFileSync(script, 'utf8').matchAll(/BUN_ASSET="(bun-linux-[a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(new Set(picked)).toEqual(new Set(['bun-linux-x64', 'bun-linux-x64-baseline', 'bun-linux-aarch64']));
    // A new BUN_VERSION fails here until its checksums are pinned (docs/SELF_HOSTING.md).
    expect([...pinned.keys()].sort()).toEqual([...new Set(picked)].map((asset) => `${asset}@${version}`).sort());
    for (const hash of pinned.values()) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('with a Bun version it pins no checksum for, downloads nothing and installs no Bun unless given one', async () => {
    const bumped = join(scratch, 'src/voice-node/install-bumped.sh');
    writeFileSync(bumped, readFileSync(script, 'utf8').replace(/^readonly BUN_VERSION=\S+/m, 'readonly BUN_VERSION=9.9.9'), { mode: 0o755 });
    try {
      const root = newRoot();
      server.requests.length = 0;
      const result = await install(root, ['--edge-url', EDGE, '--token', TOKEN], { script: bumped, env: { GLYPHOXA_BUN_SHA256: '' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/install\.sh pins no SHA-256 for bun-linux-[a-z0-9-]+ 9\.9\.9, so it cannot verify Bun: pin it in BUN_PINNED_SHA256/);
      expect(result.stderr).toContain('or pass --bun-sha256 HEX, or --skip-bun-checksum for an unverified Bun');
      expect(server.requests).toEqual([]);
      expect(existsSync(join(root, 'opt/glyphoxa/bun'))).toBe(false);
    } finally {
      rmSync(bumped);
    }
  });

  it.skipIf(!has('script'))('asks for the edge URL and token on a terminal, again after a bad answer', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
    const quoted = [script, '--root', root].map((arg) => `'${arg}'`).join(' ');
    const result = await callsDuring(() =>
      runCommand('script', ['-qec', `bash ${quoted}`, '/dev/null'], {
        PATH: process.env.PATH,
        HOME: scratch,
        GLYPHOXA_TEST_CALLS: callsFile,
        GLYPHOXA_TEST_DPKG: join(root, 'var/lib/dpkg'),
        NPM_CONFIG_REGISTRY: registry,
        GLYPHOXA_BUN_SHA256: tarballHash,
        ...stubEnv,
      }, `not a url\n${EDGE}\n${TOKEN}\n`),
    );
    expect(result.result.code).toBe(0);
    expect(result.result.stdout).toContain('Edge URL (https://...)');
    expect(result.result.stdout).toContain('must be an http:// or https:// URL');
    expect(result.result.stdout).toContain('Node token (input hidden)');
    expect(readFileSync(join(root, 'etc/glyphoxa/voice-node.env'), 'utf8')).toContain(`EDGE_URL="${EDGE}"\nNODE_TOKEN="${TOKEN}"\n`);
  });

  describe('on a machine without systemd as init', () => {
    const supervisorCommand =
      "sh -c 'umask 027 && cd /var/lib/glyphoxa && set -a && . /etc/glyphoxa/voice-node.env && exec setpriv --reuid=glyphoxa --regid=glyphoxa --init-groups --no-new-privs env HOME=/var/lib/glyphoxa XDG_CACHE_HOME=/var/lib/glyphoxa/cache /opt/glyphoxa/bun/bun --config=/opt/glyphoxa/voice-node/bunfig.toml /opt/glyphoxa/voice-node/voice-node/src/main.ts'";

    it('says so before doing anything, with the command line and env file for another supervisor', async () => {
      for (const [systemd, env, reason] of [
        [false, {}, 'systemd is not the init system here (no /run/systemd/system'],
        [true, { GLYPHOXA_SYSTEMCTL: join(scratch, 'no-such-systemctl') }, 'systemctl is not installed'],
      ] as const) {
        const root = newRoot();
        const { result, calls } = await callsDuring(() => install(root, ['--edge-url', EDGE, '--token', TOKEN], { systemd, env }));
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(`install.sh: ${reason}`);
        expect(result.stderr).toContain('Nothing was changed.');
        expect(result.stderr).toContain('run it again with\n--no-systemd');
        expect(result.stderr).toContain(`\n  ${supervisorCommand}\n`);
        expect(result.stderr).toContain('/etc/glyphoxa/voice-node.env');
        expect(calls).toEqual([]);
        expect(readdirSync(root).filter((entry) => entry !== 'run')).toEqual([]);
      }
    });

    it('with --no-systemd: installs all but the unit, and prints a command line that runs the node with its settings', async () => {
      const root = newRoot();
      const { result, calls } = await callsDuring(() =>
        install(root, ['--edge-url', EDGE, '--token', TOKEN, '--no-systemd'], { systemd: false }),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(named(calls, 'systemctl')).toEqual([]);
      expect(named(calls, 'useradd')).toHaveLength(1);
      expect(existsSync(join(root, 'etc/systemd'))).toBe(false);
      for (const path of ['opt/glyphoxa/bun/bun', 'opt/glyphoxa/voice-node/voice-node/src/main.ts', 'etc/glyphoxa/voice-node.env', 'var/lib/glyphoxa']) {
        expect(existsSync(join(root, path)), path).toBe(true);
      }
      expect(result.stdout).toContain(`Have your supervisor run, as root:\n  ${supervisorCommand}\n`);
      expect(result.stdout).toContain('except with status 2');

      // The printed command, its paths moved into the scratch root: it reads the env file and
      // starts the installed Bun on main.ts in the state directory, as the service user.
      const inRoot = supervisorCommand.replace(/(?<=[ =])\/(opt|etc|var)\//g, `${root}/$1/`);
      const run = await callsDuring(() =>
        runCommand('sh', ['-c', inRoot], { PATH: `${writeSetpriv(join(scratch, 'setpriv'))}:${process.env.PATH}`, GLYPHOXA_TEST_CALLS: callsFile }),
      );
      expect(run.result.stderr).toBe('');
      expect(run.result.code).toBe(0);
      expect(run.calls).toEqual([
        ['setpriv', '--reuid=glyphoxa', '--regid=glyphoxa', '--init-groups', '--no-new-privs'],
        ['node', `${root}/opt/glyphoxa/voice-node/voice-node/src/main.ts`, `cwd=${root}/var/lib/glyphoxa`, `home=${root}/var/lib/glyphoxa`, 'umask=0027', `EDGE_URL=${EDGE}`, `NODE_TOKEN=${TOKEN}`],
      ]);

      expect(result.stdout).not.toContain('restart it');

      // Again: nothing to redo, the same advice; with a new setting, a reminder to restart.
      const again = await callsDuring(() => install(root, ['--no-systemd'], { systemd: false }));
      expect(again.result.code).toBe(0);
      expect(again.calls).toEqual([]);
      expect(again.result.stdout).toContain(supervisorCommand);
      expect(again.result.stdout).not.toContain('restart it');
      const changed = await install(root, ['--no-systemd', '--capacity', '5'], { systemd: false });
      expect(changed.code).toBe(0);
      expect(changed.stdout).toMatch(/node\s+new settings since the last run: restart it\n/);
    });
  });

  it('pins the same Bun version as the repository', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    expect(version).toBe(manifest.devDependencies?.bun);
  });
});
