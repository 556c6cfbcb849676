import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Child {
  name: string;
  pid: number;
  /** Resolves with the exit code (or 128+signal) once the child is gone. */
  exited: Promise<number>;
  /** Resolves, once it is gone or cannot serve, with why: "was killed by SIGKILL", say, and its last lines. */
  down: Promise<string>;
  /** SIGTERM to the child's whole process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number>;
}

export interface ChildOptions extends SpawnOptions {
  /** Each line the child writes, instead of inheriting our output; the last few are kept for `down`. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** How many of a child's last output lines `down` repeats. */
const LAST_LINES = 15;

/**
 * Starts a child in its own process group, so stopping it also stops what it
 * started (wrangler's workerd, say), and a Ctrl-C meant for us reaches it only
 * through our own orderly shutdown.
 */
export function startChild(name: string, command: string, args: string[], options: ChildOptions = {}): Child {
  const { onLine, ...spawnOptions } = options;
  const stdio: StdioOptions = onLine ? ['ignore', 'pipe', 'pipe'] : (spawnOptions.stdio ?? 'inherit');
  const child: ChildProcess = spawn(command, args, { ...spawnOptions, stdio, detached: true });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const last: string[] = [];
  if (onLine) {
    for (const stream of ['stdout', 'stderr'] as const) {
      eachLine(child[stream]!, (line) => {
        last.push(line);
        if (last.length > LAST_LINES) last.shift();
        onLine(line, stream);
      });
    }
  }
  const status = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: 127, signal: null, error }));
  });
  const exited = status.then(({ code, signal }) => code ?? 128 + (signal ? signalNumber(signal) : 0));
  const down = status.then(({ code, signal, error }) => {
    const how = error ? `could not run (${error.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return last.length > 0 ? `${how}; its last lines:\n${last.map((line) => `  ${line}`).join('\n')}` : how;
  });
  let stopping: Promise<number> | undefined;
  const stop = (graceMs = 8000) =>
    (stopping ??= (async () => {
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      // The leader may exit before its children: make sure the group is gone.
      signalGroup(pid, 'SIGKILL');
      return code;
    })());
  return { name, pid, exited, down, stop };
}

/** Calls `each` with every whole line of `stream` (and a last unterminated one at its end). */
function eachLine(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) each(line.replace(/\r$/, ''));
  });
  stream.on('end', () => pending && each(pending));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal as string] ?? 0;
}

/** Polls `url` until it answers 200, at most `timeoutMs`; false if it never did. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The environment for the project's own tools: first a folder holding only `node`, the
 * Node running this script (scripts/with-node.sh chose it: the machine's own when it is
 * 22.18 or newer, else the one npm installed), then node_modules/.bin; so every
 * `#!/usr/bin/env node` tool runs on that Node (wrangler refuses older ones).
 */
export function localToolsEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const bin = `${root}/node_modules/.bin`;
  return { ...process.env, ...extra, PATH: `${thisNodeDir(root)}:${bin}:${process.env.PATH ?? ''}` };
}

function thisNodeDir(root: string): string {
  const id = createHash('sha256').update(process.execPath).digest('hex').slice(0, 16);
  const dir = join(root, 'node_modules', '.cache', 'glyphoxa-node', id);
  const link = join(dir, 'node');
  if (!existsSync(link)) {
    mkdirSync(dir, { recursive: true });
    // Made aside and renamed into place: processes starting at once never see half a link.
    const aside = `${link}.${process.pid}`;
    rmSync(aside, { force: true });
    symlinkSync(process.execPath, aside);
    renameSync(aside, link);
  }
  return dir;
}
