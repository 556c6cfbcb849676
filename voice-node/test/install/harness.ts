/**
 * What the install.sh test needs around the real script: a snapshot of the source tree to
 * run it from, stand-ins for the system commands a container cannot run (each records its
 * calls), a Bun npm tarball holding a fake `bun`, and a local registry serving it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');

/** The Bun version install.sh pins. */
export function pinnedBunVersion(script: string): string {
  const match = readFileSync(script, 'utf8').match(/^readonly BUN_VERSION=(\S+)/m);
  if (!match?.[1]) throw new Error('install.sh pins no BUN_VERSION');
  return match[1];
}

/** The SHA-256 install.sh pins for each Bun build (`<asset>@<version>` -> hex). */
export function pinnedBunChecksums(script: string): Map<string, string> {
  const table = readFileSync(script, 'utf8').match(/^declare -rA BUN_PINNED_SHA256=\(\n([^)]*)\)/m)?.[1] ?? '';
  return new Map([...table.matchAll(/^\s*\[([^\]]+)\]=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/**
 * Copies what a checkout or release holds (root manifests, every workspace manifest, the
 * node's workspaces) into `dest`, so the script runs from a tree nobody edits meanwhile.
 */
export function snapshotSource(dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'bunfig.toml', '.npmrc', 'tsconfig.base.json']) {
    if (existsSync(join(REPO, file))) cpSync(join(REPO, file), join(dest, file));
  }
  for (const entry of readdirSync(REPO, { withFileTypes: true })) {
    const manifest = join(REPO, entry.name, 'package.json');
    if (entry.isDirectory() && entry.name !== 'node_modules' && existsSync(manifest)) {
      mkdirSync(join(dest, entry.name), { recursive: true });
      cpSync(manifest, join(dest, entry.name, 'package.json'));
    }
  }
  for (const dir of ['protocol', 'providers', 'voice-node']) {
    cpSync(join(REPO, dir), join(dest, dir), {
      recursive: true,
      filter: (src) => !relative(REPO, src).split(sep).includes('node_modules'),
    });
  }
}

/**
 * Stand-ins for apt-get, systemctl, useradd, userdel, groupdel (and chown when not root).
 * Each appends `name<TAB>arg<TAB>arg...` to $GLYPHOXA_TEST_CALLS, and does to the files
 * under the root what the real command would, as far as the script looks at them.
 */
export function writeStubs(dir: string, options: { chown: boolean }): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const record = `printf '%s' "$(basename "$0")" >>"$GLYPHOXA_TEST_CALLS"; for a in "$@"; do printf '\\t%s' "$a" >>"$GLYPHOXA_TEST_CALLS"; done; printf '\\n' >>"$GLYPHOXA_TEST_CALLS"`;
  // Where useradd & co. would edit /etc: their --prefix.
  const prefix = `prefix=''; while [ $# -gt 0 ]; do case "$1" in --prefix) prefix=$2; shift 2;; *) last=$1; shift;; esac; done`;
  const stubs: Record<string, string> = {
    // GLYPHOXA_TEST_SYSTEMCTL_FAIL=<verb>: that verb fails, as on a machine where it would.
    systemctl: `${record}
if [ "$1" = "\${GLYPHOXA_TEST_SYSTEMCTL_FAIL:-}" ]; then echo "Failed to $1: test" >&2; exit 1; fi`,
    'apt-get': `${record}
if [ "$1" = install ]; then
  mkdir -p "$GLYPHOXA_TEST_DPKG"
  for p in "$@"; do case "$p" in -*|install) ;; *)
    printf 'Package: %s\\nStatus: install ok installed\\nMaintainer: test\\nVersion: 1\\nArchitecture: all\\nDescription: stub\\n\\n' "$p" >>"$GLYPHOXA_TEST_DPKG/status";;
  esac; done
fi`,
    useradd: `${record}
${prefix}
mkdir -p "$prefix/etc"
echo "$last:x:990:990:Glyphoxa voice node:/var/lib/glyphoxa:/usr/sbin/nologin" >>"$prefix/etc/passwd"
echo "$last:x:990:" >>"$prefix/etc/group"`,
    userdel: `${record}
${prefix}
sed -i "/^$last:/d" "$prefix/etc/passwd" "$prefix/etc/group"`,
    groupdel: `${record}
${prefix}
sed -i "/^$last:/d" "$prefix/etc/group"`,
  };
  if (options.chown) stubs.chown = record;
  const env: Record<string, string> = {};
  for (const [name, body] of Object.entries(stubs)) {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\nexit 0\n`);
    chmodSync(path, 0o755);
    env[`GLYPHOXA_${name.toUpperCase().replace('-', '_')}`] = path;
  }
  return env;
}

/**
 * A stand-in for setpriv, first on PATH (the service user exists only under the scratch
 * root): records its options, then runs the command as the caller.
 */
export function writeSetpriv(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'setpriv'),
    `#!/bin/sh
printf setpriv >>"$GLYPHOXA_TEST_CALLS"
while [ $# -gt 0 ]; do case "$1" in --*) printf '\\t%s' "$1" >>"$GLYPHOXA_TEST_CALLS"; shift;; *) break;; esac; done
printf '\\n' >>"$GLYPHOXA_TEST_CALLS"
exec "$@"
`,
  );
  chmodSync(join(dir, 'setpriv'), 0o755);
  return dir;
}

export function readCalls(file: string): string[][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

/**
 * A fake `bun`: reports the pinned version; run as the node, records where and with what
 * settings; else records the call and "installs" a node_modules.
 */
export function fakeBun(version: string): string {
  return `#!/bin/sh
if [ "$1" = --version ]; then echo ${version}; exit 0; fi
if [ "\${1%%=*}" = --config ]; then
  printf 'node\\t%s\\tcwd=%s\\thome=%s\\tumask=%s\\tEDGE_URL=%s\\tNODE_TOKEN=%s\\n' "$2" "$PWD" "$HOME" "$(umask)" "$EDGE_URL" "$NODE_TOKEN" >>"$GLYPHOXA_TEST_CALLS"
  exit 0
fi
printf 'bun\\tcwd=%s\\tregistry=%s' "$PWD" "$NPM_CONFIG_REGISTRY" >>"$GLYPHOXA_TEST_CALLS"; for a in "$@"; do printf '\\t%s' "$a" >>"$GLYPHOXA_TEST_CALLS"; done; printf '\\n' >>"$GLYPHOXA_TEST_CALLS"
if [ "$1" = install ]; then mkdir -p node_modules/@glyphoxa && ln -sfn ../../voice-node node_modules/@glyphoxa/voice-node; fi
`;
}

/** A gzipped npm package tarball (`package/...`) of the given files, made by the system's tar. */
export function makeTarball(dir: string, files: { name: string; data: string; mode: number }[]): Buffer {
  const staging = mkdtempSync(join(dir, 'tarball-'));
  for (const file of files) {
    const path = join(staging, 'package', file.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.data);
    chmodSync(path, file.mode);
  }
  const out = join(staging, 'package.tgz');
  execFileSync('tar', ['-czf', out, '-C', staging, 'package']);
  const tarball = readFileSync(out);
  rmSync(staging, { recursive: true, force: true });
  return tarball;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * An npm registry's tarball URLs, `<prefix>/@oven/<asset>/-/<asset>-<version>.tgz`, for each
 * registry prefix given, recording every path asked for.
 */
export async function serveRegistries(registries: Record<string, Buffer>) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const match = path.match(/^(.*)\/@oven\/(bun-linux-[a-z0-9-]+)\/-\/\2-[0-9.]+\.tgz$/);
    const tarball = match ? registries[match[1]!] : undefined;
    if (tarball) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball);
    else res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking this process (the release server lives here). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Every file and directory under `dir`: relative path -> mode and content. */
export function treeOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const rel = relative(dir, path);
      if (entry.isDirectory()) {
        out.set(`${rel}/`, 'dir');
        walk(path);
      } else if (entry.isFile()) {
        out.set(rel, `${(lstatSync(path).mode & 0o7777).toString(8)} ${sha256(readFileSync(path))}`);
      } else {
        out.set(rel, 'link');
      }
    }
  };
  walk(dir);
  return out;
}
