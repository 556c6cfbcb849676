/**
 * What the install.sh test needs around the real script: a snapshot of the source tree to
 * run it from, stand-ins for the system commands a container cannot run (each records its
 * calls), a Bun release zip holding a fake `bun`, and a local server for it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import { crc32 } from 'node:zlib';

export const REPO = resolve(import.meta.dirname, '../../..');

/** The Bun version install.sh pins. */
export function pinnedBunVersion(script: string): string {
  const match = readFileSync(script, 'utf8').match(/^readonly BUN_VERSION=(\S+)/m);
  if (!match?.[1]) throw new Error('install.sh pins no BUN_VERSION');
  return match[1];
}

/**
 * Copies what a checkout or release holds (root manifests, every workspace manifest, the
 * node's workspaces) into `dest`, so the script runs from a tree nobody edits meanwhile.
 */
export function snapshotSource(dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.base.json']) {
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
    systemctl: record,
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

export function readCalls(file: string): string[][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

/** A fake `bun`: reports the pinned version, records the rest, and "installs" a node_modules. */
export function fakeBun(version: string): string {
  return `#!/bin/sh
if [ "$1" = --version ]; then echo ${version}; exit 0; fi
printf 'bun\\tcwd=%s' "$PWD" >>"$GLYPHOXA_TEST_CALLS"; for a in "$@"; do printf '\\t%s' "$a" >>"$GLYPHOXA_TEST_CALLS"; done; printf '\\n' >>"$GLYPHOXA_TEST_CALLS"
if [ "$1" = install ]; then mkdir -p node_modules/@glyphoxa && ln -sfn ../../voice-node node_modules/@glyphoxa/voice-node; fi
`;
}

/** A zip (stored, no compression) of the given files, with their Unix modes. */
export function makeZip(files: { name: string; data: string | Buffer; mode: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data);
    const name = Buffer.from(file.name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(((0o100000 | file.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Serves `<prefix>/bun-linux-*.zip` and `<prefix>/SHASUMS256.txt` for each release given,
 * recording every path asked for.
 */
export async function serveReleases(releases: Record<string, { zip: Buffer; shasums?: string }>) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const slash = path.lastIndexOf('/');
    const release = releases[path.slice(0, slash)];
    const file = path.slice(slash + 1);
    if (release && /^bun-linux-[a-z0-9-]+\.zip$/.test(file)) {
      res.writeHead(200, { 'content-type': 'application/zip' }).end(release.zip);
    } else if (release?.shasums !== undefined && file === 'SHASUMS256.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(release.shasums);
    } else {
      res.writeHead(404).end();
    }
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
