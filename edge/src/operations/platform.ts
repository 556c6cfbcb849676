import { listUsers, periodOf, platformOverview } from '@glyphoxa/db';
import type { Principal } from '../principal.ts';
import { readiness } from '../readiness.ts';
import { viewPlatformUser } from '../views/platform.ts';
import { viewSessionRow } from '../views/session.ts';
import type { OperationContext } from './context.ts';
import { listNodes } from './nodes.ts';
import { authorize } from './permissions.ts';

/** How far back "recent" failures go, and how many of each list the overview shows. */
const RECENT_MS = 24 * 3600_000;
const OVERVIEW_LIMIT = 100;

/** Every user (or those matching `search`) with their tenants, keyset-paged by id. */
export async function listPlatformUsers(ctx: OperationContext, principal: Principal, page: { after?: string; limit: number; search?: string }) {
  authorize(principal, 'platform.observe', null);
  const rows = await listUsers(ctx.db(), page);
  return { users: rows.map((row) => viewPlatformUser(row.user, row.memberships)), next_after: rows.length === page.limit ? rows.at(-1)!.user.id : null };
}

/** The nodes as their Fleets see them, and what Postgres knows of sessions, failures and this month's usage. */
export async function observePlatform(ctx: OperationContext, principal: Principal) {
  authorize(principal, 'platform.observe', null);
  const now = Date.now();
  const [ready, nodes, overview] = await Promise.all([
    readiness(ctx.db()),
    listNodes(ctx, principal),
    platformOverview(ctx.db(), { period: periodOf(now), failedSince: new Date(now - RECENT_MS), limit: OVERVIEW_LIMIT }),
  ]);
  const connected = nodes.filter((n) => n.connected);
  return {
    at: new Date(now).toISOString(),
    readiness: ready,
    tenants: overview.tenants,
    users: overview.users,
    nodes: {
      registered: nodes.length,
      connected: connected.length,
      capacity: connected.reduce((total, n) => total + (n.capacity ?? 0), 0),
      load: connected.reduce((total, n) => total + n.load, 0),
      list: nodes,
    },
    sessions: { pending: overview.liveCounts.pending ?? 0, active: overview.liveCounts.active ?? 0, live: overview.live.map(viewSessionRow) },
    recent_errors: {
      failed_sessions: overview.failed.map(viewSessionRow),
      command_registration: overview.registrationErrors.map((r) => ({ tenant_id: r.tenantId, error: r.error!, at: r.updatedAt.toISOString() })),
    },
    usage: {
      period: periodOf(now),
      tenants: overview.usage.tenants,
      session_hours: overview.usage.sessionHours,
      llm_tokens: overview.usage.llmTokens,
      stt_seconds: overview.usage.sttSeconds,
      tts_chars: overview.usage.ttsChars,
    },
  };
}
