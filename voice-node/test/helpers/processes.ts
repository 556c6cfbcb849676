import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Process-level tests run the real node (and the stand-in edge) under Bun. */
const ROOT = resolve(import.meta.dirname, '../../..');
const BUN = resolve(ROOT, 'node_modules/.bin/bun');
const PEER = resolve(ROOT, 'voice-node/test/fixtures/edge-peer.ts');
const MAIN = resolve(ROOT, 'voice-node/src/main.ts');

export const TOKEN = 'test-token';

/** One JSON line a child printed (a peer event or a node log line), read loosely on purpose. */
export type Line = { [key: string]: any };

export interface Child {
  lines: Line[];
  stderr: () => string;
  /** Resolves with `find`'s first defined result over the lines so far; rejects after `timeoutMs`. */
  waitFor<T>(find: (lines: Line[]) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  /** The first line matching `match`. */
  line(match: (line: Line) => boolean, what: string, timeoutMs?: number): Promise<Line>;
  write(text: string): void;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
  pid: number;
}

const running = new Set<Child>();

function launch(args: string[]): Child {
  const proc = spawn(BUN, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let pending = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) if (text.trim()) lines.push(parseLine(text));
    for (const wake of waiters) wake();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));

  const child: Child = {
    lines,
    stderr: () => stderr,
    // A bound, not a speed check: a process starting on a loaded 2-core machine may print nothing for seconds.
    waitFor(find, what, timeoutMs = 15_000) {
      return new Promise((resolveFind, reject) => {
        const check = () => {
          const found = find(lines);
          if (found === undefined) return;
          cleanup();
          resolveFind(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; lines:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr: ${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    line(match, what, timeoutMs) {
      return child.waitFor((all) => all.find(match), what, timeoutMs);
    },
    write(text) {
      proc.stdin.write(`${text}\n`);
    },
    kill(signal = 'SIGTERM') {
      proc.kill(signal);
    },
    exited,
    pid: proc.pid!,
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

function parseLine(text: string): Line {
  try {
    return JSON.parse(text) as Line;
  } catch {
    return { raw: text };
  }
}

export interface Peer extends Child {
  port: number;
  /** Sends one edge message to the connected node. */
  send(message: unknown): void;
  /** Node messages received so far, of one type. */
  messages(type: string): Line[];
}

export async function startPeer(options: { port?: number; refuse?: boolean } = {}): Promise<Peer> {
  const args = [PEER, '--token', TOKEN, '--port', String(options.port ?? 0), '--heartbeat-ms', '200'];
  if (options.refuse) args.push('--refuse');
  const child = launch(args);
  const listening = await child.line((l) => l.event === 'listening', 'the peer to listen');
  return {
    ...child,
    port: listening.port as number,
    send: (message) => child.write(typeof message === 'string' ? message : JSON.stringify(message)),
    messages: (type) => child.lines.filter((l) => l.event === 'message' && l.message.type === type).map((l) => l.message),
  };
}

export interface VoiceNode extends Child {
  /** The health port the node logged on startup. */
  healthPort(): Promise<number>;
}

/** `bunArgs` go to Bun itself, before the script (bench: `--cpu-prof`). */
export function startNode(peer: { port: number }, extraArgs: string[] = [], bunArgs: string[] = []): VoiceNode {
  const child = launch([...bunArgs, MAIN, '--edge-url', `http://127.0.0.1:${peer.port}`, '--token', TOKEN, '--node-id', 'node-test', ...extraArgs]);
  return {
    ...child,
    healthPort: async () => (await child.line((l) => l.msg === 'voice node started', 'startup line')).health_port as number,
  };
}

export function runNode(args: string[]): Child {
  return launch([MAIN, ...args]);
}

/** Kills whatever a test left running, so no child outlives its test. */
export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => child.exited));
}
