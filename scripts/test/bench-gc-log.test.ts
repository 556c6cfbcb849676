import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GC_LOG_ENV, GcLog } from '../../bench/lib/tool-caller/gc-log.ts';

/**
 * The NPC tool bench reads its Bun caller's GC pauses off the engine's log
 * (bench/lib/tool-caller/gc-log.ts): the project's own Bun must still write it as read.
 */

const ROOT = resolve(import.meta.dirname, '../..');

describe("the NPC tool caller's GC log", () => {
  it("finds the pauses of the project's Bun, eden and full, and passes other lines by", () => {
    const script = "const keep = []; for (let i = 0; i < 300000; i++) keep.push({ i }); (await import('bun:jsc')).fullGC(); console.error('not the collector');";
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'bun'), ['--eval', script], { cwd: ROOT, env: { ...process.env, ...GC_LOG_ENV }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const log = new GcLog();
    const others = run.stderr.split('\n').filter((line) => line !== '' && !log.take(line, Date.now()));
    expect(others).toEqual(['not the collector']);
    expect(log.pauses.some((p) => !p.full)).toBe(true);
    expect(log.pauses.some((p) => p.full)).toBe(true);
    for (const pause of log.pauses) expect(pause.ms).toBeGreaterThan(0);
  });
});
