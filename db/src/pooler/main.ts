/**
 * The local transaction pooler as a process of its own (scripts/lib/pooler-process.ts starts
 * it), so that the Worker's every database round trip waits on no one else's event loop or
 * garbage collection: in the process of `npm start`, a test or a bench, their pauses stalled it
 * (docs/BENCHMARKS.md). The upstream URL comes in the environment, not the command line, where
 * `ps` would show its password. It says its port on stdout once it listens, and exits on
 * SIGTERM, or when the process that started it is gone (it runs in a process group of its own).
 */
import * as v from 'valibot';
import { readyLine } from './ready-line.ts';
import { startTransactionPooler } from './transaction-pooler.ts';

const Config = v.object({
  POOLER_UPSTREAM: v.pipe(v.string(), v.url()),
  POOLER_SIZE: v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1)),
  /** Report each client turn this slow or slower (slow-turns.ts), on stderr. */
  POOLER_SLOW_MS: v.optional(v.pipe(v.string(), v.toNumber(), v.minValue(0))),
});

const config = v.parse(Config, process.env);
const parent = process.ppid;
const slowTurns = config.POOLER_SLOW_MS === undefined ? undefined : { boundMs: config.POOLER_SLOW_MS, report: (line: string) => console.error(line) };
const pooler = await startTransactionPooler({ upstream: config.POOLER_UPSTREAM, size: config.POOLER_SIZE, slowTurns }).catch((error: Error) => {
  console.error(`cannot reach the database: ${error.message}`);
  process.exit(1);
});
console.log(readyLine(Number(new URL(pooler.url).port)));

const stop = () => void pooler.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
// Orphaned (its starter killed outright), it is re-parented: nothing is left to use it.
setInterval(() => process.ppid !== parent && stop(), 1000).unref();
