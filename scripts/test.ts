/**
 * `npm test`: type-checks every workspace, then runs every suite (data layer,
 * Worker in workerd, voice node, whole system) against one database:
 * DATABASE_URL when set, otherwise an embedded Postgres in memory. Ends with
 * one line `N passed, N failed` summed over everything.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDashboardBuilt } from './lib/dashboard-build.ts';
import { provisionDatabase } from './lib/database.ts';
import { localToolsEnv, startChild } from './lib/processes.ts';
import { ensureVoicePackages } from './lib/voice-packages.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WORKSPACES = ['protocol', 'providers', 'db', 'edge', 'voice-node', 'ui', 'scripts'];
/** Vitest roots, in the order they run; the whole-system suite last. */
const SUITES = ['protocol', 'providers', 'db', 'edge', 'voice-node', 'ui', 'scripts'];
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

async function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  console.log(`\n=== ${name}`);
  return startChild(name, command, args, { cwd: ROOT, env: localToolsEnv(ROOT, env) }).exited;
}

async function typecheck(): Promise<void> {
  for (const workspace of WORKSPACES) {
    if (!existsSync(join(ROOT, workspace, 'tsconfig.json'))) continue;
    const code = await run(`typecheck ${workspace}`, bin('tsc'), ['-p', workspace, '--noEmit']);
    if (code === 0) total.passed++;
    else total.failed++;
  }
}

async function vitest(suite: string, env: NodeJS.ProcessEnv, reportDir: string): Promise<void> {
  const report = join(reportDir, `${suite}.json`);
  const files = filesOf(suite);
  const code = await run(`tests ${[suite, ...files].join(' ')}`, bin('vitest'), ['run', '--root', suite, ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], env);
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
  if (only.length === 0) await typecheck();
  const database = await provisionDatabase({});
  const reportDir = mkdtempSync(join(tmpdir(), 'gx-test-'));
  try {
    const env = { DATABASE_URL: database.url, GLYPHOXA_TEST_DB: database.embedded ? 'embedded' : 'external', ...RAISED_RATE_LIMITS };
    for (const suite of SUITES) {
      if (!selected(suite)) continue;
      if (!existsSync(join(ROOT, suite, 'vitest.config.ts'))) continue;
      await vitest(suite, env, reportDir);
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
    await database.stop();
  }
  console.log(`\n${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

process.exit(await main());
