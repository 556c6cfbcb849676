import { memberRole, type MemberRole, type User } from '@glyphoxa/db';
import * as v from 'valibot';
import { SessionViewSchema } from './session.ts';

/** A user as the platform's operators see them. */
export const PlatformUserViewSchema = v.object({
  id: v.string(),
  email: v.nullable(v.string()),
  email_verified: v.boolean(),
  display_name: v.string(),
  avatar_url: v.nullable(v.string()),
  super_admin: v.boolean(),
  last_login_at: v.nullable(v.string()),
  created_at: v.string(),
  /** The tenants they belong to, and their role in each. */
  memberships: v.array(v.object({ tenant_id: v.string(), role: v.picklist(memberRole.enumValues) })),
});

export function viewPlatformUser(user: User, memberships: Array<{ tenantId: string; role: MemberRole }>): v.InferOutput<typeof PlatformUserViewSchema> {
  return {
    id: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    display_name: user.displayName,
    avatar_url: user.avatarUrl,
    super_admin: user.superAdmin,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
    memberships: memberships.map((m) => ({ tenant_id: m.tenantId, role: m.role })),
  };
}

/** A registered voice node, with its pool's live view where it is connected (operations/nodes.ts). */
export const NodeViewSchema = v.object({
  node_id: v.string(),
  pool: v.string(),
  connected: v.boolean(),
  capacity: v.nullable(v.number()),
  load: v.number(),
  version: v.nullable(v.string()),
  region: v.nullable(v.string()),
  draining: v.boolean(),
  last_seen: v.nullable(v.string()),
  created_at: v.string(),
});

const Usage = v.object({ tenants: v.number(), session_hours: v.number(), llm_tokens: v.number(), stt_seconds: v.number(), tts_chars: v.number() });

/** The platform at a glance: what the Fleets and Postgres know now. */
export const ObservabilityViewSchema = v.object({
  at: v.string(),
  /** What /readyz answers: whether the edge can serve (Postgres within a second). */
  readiness: v.object({
    ready: v.boolean(),
    checks: v.object({ postgres: v.variant('ok', [v.object({ ok: v.literal(true), latency_ms: v.number() }), v.object({ ok: v.literal(false), error: v.string() })]) }),
  }),
  tenants: v.number(),
  users: v.number(),
  nodes: v.object({ registered: v.number(), connected: v.number(), capacity: v.number(), load: v.number(), list: v.array(NodeViewSchema) }),
  sessions: v.object({ pending: v.number(), active: v.number(), live: v.array(SessionViewSchema) }),
  /** Sessions that ended badly (`node_lost`, `failed`) in the last day, and tenants whose slash commands did not register. */
  recent_errors: v.object({
    failed_sessions: v.array(SessionViewSchema),
    command_registration: v.array(v.object({ tenant_id: v.string(), error: v.string(), at: v.string() })),
  }),
  usage: v.object({ period: v.string(), ...Usage.entries }),
});
