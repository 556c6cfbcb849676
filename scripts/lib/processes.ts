import { spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Child {
  name: string;
  pid: number;
  /** Resolves with the exit code (or 128+signal) once the child is gone. */
  exited: Promise<number>;
  /** SIGTERM to the child's whole process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number>;
}

/**
 * Starts a child in its own process group, so stopping it also stops what it
 * started (wrangler's workerd, say), and a Ctrl-C meant for us reaches it only
 * through our own orderly shutdown.
 */
export function startChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { stdio: 'inherit', ...options, detached: true });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
    child.once('error', () => resolve(127));
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
  return { name, pid, exited, stop };
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
