/**
 * `npm test`: type-checks every workspace, then runs every suite (data layer,
 * Worker in workerd, voice node, whole system) against one database:
 * DATABASE_URL when set, otherwise an embedded Postgres in memory. Ends with
 * one line `N passed, N failed` summed over everything.
 *
 * What runs at once: the suites run one after another, as they did, because several of them
 * measure time (turn-taking, usage billed to the second, deadlines) and a 2-core runner with
 * two suites side by side made them miss (a CI run tried it: 5 such failures). Beside them run
 * the type-checks, one workspace at a time at the lowest CPU priority, so they take only the
 * CPU the tests leave idle (the tests mostly wait on sockets, timers and child processes)
 * instead of slowing the clocks the tests measure. A child's output is held and printed whole
 * when it ends, so the type-checks' lines do not interleave with a suite's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDashboardBuilt } from './lib/dashboard-build.ts';
import { provisionDatabase } from './lib/database.ts';
import { localToolsEnv, startChild, type Child } from './lib/processes.ts';
import { ensureVoicePackages } from './lib/voice-packages.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WORKSPACES = ['protocol', 'providers', 'db', 'edge', 'voice-node', 'ui', 'scripts'];
/** Vitest roots, in the order they run; the whole-system suite last. */
const SUITES = ['protocol', 'providers', 'db', 'edge', 'voice-node', 'ui', 'scripts'];
/** How much lower the type-checks' CPU priority is than the tests'. */
const TYPECHECK_NICENESS = 19;
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
/** Suites named on the command line (`db`), or single files of one (`scripts/test/npm-start.test.ts`). */
const only = process.argv.slice(2);
const filesOf = (suite: string) => only.filter((name) => name.startsWith(`${suite}/`)).map((name) => name.slice(suite.length + 1));
const selected = (suite: string) => only.length === 0 || only.includes(suite) || filesOf(suite).length > 0;

/**
 * The whole-system suites call as one user from one address many times a minute; the Worker
 * they start gets these limits unless the environment sets its own
 * (edge/test/rate-limits.test.ts proves the defaults).
 */
const RAISED_RATE_LIMITS = Object.fromEntries(
  ['RATE_LIMIT_AUTH_PER_MINUTE', 'RATE_LIMIT_API_PER_MINUTE', 'RATE_LIMIT_VOICE_PREVIEW_PER_MINUTE', 'RATE_LIMIT_MCP_PER_MINUTE'].map((name) => [name, process.env[name] ?? '100000']),
);

interface Tally {
  passed: number;
  failed: number;
}
const total: Tally = { passed: 0, failed: 0 };
const startedAt = Date.now();
/** The children running now, with the output they have written so far. */
const running = new Map<Child, string[]>();
let interrupted = false;

/** Runs a child with its output held, then prints it whole under its name; its exit code. */
async function run(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; niceness?: number } = {}): Promise<number> {
  const lines: string[] = [];
  const began = Date.now();
  const child = startChild(name, command, args, { cwd: ROOT, env: localToolsEnv(ROOT, options.env), onLine: (line) => lines.push(line) });
  running.set(child, lines);
  if (options.niceness) lower(child.pid, options.niceness);
  const code = await child.exited;
  running.delete(child);
  if (interrupted) return code;
  const took = `${Math.round((Date.now() - began) / 1000)} s, ended ${Math.round((Date.now() - startedAt) / 1000)} s in`;
  console.log(`\n=== ${name} (${took}${code === 0 ? '' : `, exit code ${code}`})\n${lines.join('\n')}`);
  return code;
}

// Interrupted (Ctrl-C, a CI timeout): show what the running children said so far, and stop them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    interrupted = true;
    for (const [child, lines] of running) console.log(`\n=== ${child.name} (interrupted by ${signal})\n${lines.join('\n')}`);
    await Promise.all([...running.keys()].map((child) => child.stop()));
    // Each stopped child has counted as a failure by now (no report, or a non-zero exit).
    await new Promise((r) => setImmediate(r));
    console.log(`\n${total.passed} passed, ${Math.max(total.failed, 1)} failed`);
    process.exit(1);
  });
}

function lower(pid: number, by: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority(pid) + by));
  } catch {
    // Already gone, or not ours to change: it runs at our priority.
  }
}

async function typecheck(): Promise<void> {
  for (const workspace of WORKSPACES) {
    if (!existsSync(join(ROOT, workspace, 'tsconfig.json'))) continue;
    const code = await run(`typecheck ${workspace}`, bin('tsc'), ['-p', workspace, '--noEmit'], { niceness: TYPECHECK_NICENESS });
    if (code === 0) total.passed++;
    else total.failed++;
  }
}

async function vitest(suite: string, env: NodeJS.ProcessEnv, reportDir: string): Promise<void> {
  const report = join(reportDir, `${suite}.json`);
  const files = filesOf(suite);
  const code = await run(`tests ${[suite, ...files].join(' ')}`, bin('vitest'), ['run', '--root', suite, ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env });
  if (!existsSync(report)) {
    // The runner died before reporting: count the whole suite as one failure.
    total.failed++;
    return;
  }
  const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
  total.passed += result.numPassedTests;
  total.failed += result.numFailedTests;
  // Files that failed to load report no tests; a non-zero exit must still count.
  if (code !== 0 && result.numFailedTests === 0) total.failed++;
}

async function main(): Promise<number> {
  ensureVoicePackages((line) => console.log(line));
  await ensureDashboardBuilt(ROOT);
  const database = await provisionDatabase({});
  const reportDir = mkdtempSync(join(tmpdir(), 'gx-test-'));
  try {
    const env = { DATABASE_URL: database.url, GLYPHOXA_TEST_DB: database.embedded ? 'embedded' : 'external', ...RAISED_RATE_LIMITS };
    const suites = async () => {
      for (const suite of SUITES) {
        if (selected(suite) && existsSync(join(ROOT, suite, 'vitest.config.ts'))) await vitest(suite, env, reportDir);
      }
    };
    await Promise.all([only.length === 0 ? typecheck() : Promise.resolve(), suites()]);
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
    await database.stop();
  }
  console.log(`\n${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

process.exit(await main());
