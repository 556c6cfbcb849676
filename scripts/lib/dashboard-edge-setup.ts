import type { TestProject } from 'vitest/node';
import { startDashboardEdge } from './dashboard-system.ts';

/**
 * The `dashboard` project's global setup (scripts/vitest.config.ts): one Worker under wrangler
 * dev for all of its browser test files, each of which brings its own Chromium, stand-ins and
 * voice nodes (./dashboard-system.ts). Vitest runs it only when a file of the project runs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const edge = await startDashboardEdge();
  project.provide('dashboardEdge', { edgeUrl: edge.edgeUrl, discordUrl: edge.discordUrl });
  return () => edge.stop();
}
