import { recordAudit } from '@glyphoxa/db';
import type { SessionView } from '../views/session.ts';
import type { CommandContext } from './command.ts';

export const NO_SESSION = 'No session is running in this server. Start one with `/session start`.';

/** The server's live session (at most one per guild), as its tenant's coordinator holds it. */
export async function guildSession(ctx: CommandContext): Promise<SessionView | undefined> {
  const live = await ctx.coordinator.liveSessions();
  return live.find((s) => s.guild_id === ctx.interaction.guild_id);
}

/**
 * Discord-side changes go to the audit trail like the admin API's, with the
 * member as actor. The change already happened, so a failed write is logged
 * rather than turned into an apology that would tell the DM it did not.
 */
export async function auditDiscord(ctx: CommandContext, action: string, target: string, detail: Record<string, unknown> = {}): Promise<void> {
  const entry = { tenantId: ctx.tenant.id, actor: `discord:${ctx.userId}`, action, target, detail: { guild_id: ctx.interaction.guild_id, ...detail } };
  await recordAudit(ctx.db(), entry).catch((error: unknown) => ctx.log.error('audit write failed', { action, target, error: String(error) }));
}
