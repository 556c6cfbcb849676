/**
 * `npm test`: type-checks every workspace, then runs every suite (data layer,
 * Worker in workerd, voice node, whole system) against one database:
 * DATABASE_URL when set, otherwise an embedded Postgres in memory. Ends with
 * one line `N passed, N failed` summed over everything.
 *
 * What runs at once: run one after another, the suites left a 2-core runner mostly idle,
 * waiting on sockets, timers and child processes. So after the dashboard build and the
 * database, these lanes start together and each runs its suites in turn:
 *  - the whole-system suite (scripts, the longest), then nothing else;
 *  - the Worker in workerd (edge);
 *  - the rest (protocol, providers, db, voice-node, ui);
 *  - the type-checks, two workspaces at a time and niced, so they take the CPU the tests
 *    leave idle instead of slowing the clocks the tests measure.
 * That is safe because test files share nothing but the database, and there each file
 * makes its own tenants, users and nodes under random ids and reads back only its own rows,
 * as the files within a suite already do when vitest runs them side by side; every process
 * picks free ports and its own temporary directories. A child's output is held and printed
 * whole when it ends, so the suites' lines do not interleave.
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
/** Vitest roots by lane; the lanes run at once, each lane's suites in turn. */
const LANES = [['scripts'], ['edge'], ['protocol', 'providers', 'db', 'voice-node', 'ui']];
/** Type-checks at once: each is one single-threaded tsc, and the runner has two cores. */
const TYPECHECKS_AT_ONCE = 2;
/** How much lower the type-checks' CPU priority is than the tests'. */
const TYPECHECK_NICENESS = 10;
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
  const queue = WORKSPACES.filter((workspace) => existsSync(join(ROOT, workspace, 'tsconfig.json')));
  const worker = async () => {
    for (let workspace = queue.shift(); workspace; workspace = queue.shift()) {
      const code = await run(`typecheck ${workspace}`, bin('tsc'), ['-p', workspace, '--noEmit'], { niceness: TYPECHECK_NICENESS });
      if (code === 0) total.passed++;
      else total.failed++;
    }
  };
  await Promise.all(Array.from({ length: TYPECHECKS_AT_ONCE }, worker));
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
    const lanes = LANES.map((suites) => suites.filter((suite) => selected(suite) && existsSync(join(ROOT, suite, 'vitest.config.ts'))));
    console.log(`running at once: ${[...(only.length === 0 ? ['type-checks'] : []), ...lanes.filter((lane) => lane.length > 0).map((lane) => lane.join(' then '))].join('; ')}`);
    await Promise.all([
      only.length === 0 ? typecheck() : Promise.resolve(),
      ...lanes.map(async (lane) => {
        for (const suite of lane) await vitest(suite, env, reportDir);
      }),
    ]);
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
    await database.stop();
  }
  console.log(`\n${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

process.exit(await main());
