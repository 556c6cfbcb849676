import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { localToolsEnv } from '../lib/processes.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('wrangler deploy --dry-run', () => {
  it('bundles the Worker for production', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'gx-deploy-'));
    try {
      const { stdout } = await promisify(execFile)(
        join(ROOT, 'node_modules/.bin/wrangler'),
        ['deploy', '--dry-run', '--outdir', outdir],
        { cwd: ROOT, env: localToolsEnv(ROOT, { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }) },
      );
      expect(stdout).toMatch(/env\.TENANT_COORDINATOR \(TenantCoordinator\)/);
      expect(stdout).toMatch(/env\.FLEET \(Fleet\)/);
      expect(stdout).toMatch(/env\.HYPERDRIVE/);
      expect(stdout).toMatch(/env\.VOICE_SAMPLES/);
      expect(existsSync(join(outdir, 'index.js'))).toBe(true);
      const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
      const exported = bundle.match(/^export \{([^}]*)\}/m)?.[1] ?? '';
      expect(exported).toMatch(/\bTenantCoordinator\b/);
      expect(exported).toMatch(/\bFleet\b/);
      expect(exported).toMatch(/as default/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
