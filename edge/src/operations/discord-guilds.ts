import { tenantBotToken } from '../discord/bot-token.ts';
import { DiscordApiError, discordRest } from '../discord/rest.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './permissions.ts';
import { mustGetTenant } from './tenants.ts';

/** What the tenant's bot can see on Discord, read through Discord's REST API: where a session can be started. */

/** Discord's JSON error code for "Missing Access": the bot is not in that guild. */
const MISSING_ACCESS = 50001;

async function tenantDiscord(ctx: OperationContext, principal: Principal, tenantId: string) {
  authorize(principal, 'sessions.run', tenantId);
  const botToken = await tenantBotToken(ctx.env.SECRET_KEYS, await mustGetTenant(ctx.db(), tenantId));
  if (!botToken) throw new ApiError(409, 'no_bot_token', 'The tenant has no bot token: set bot_token in its settings to start sessions in Discord');
  return discordRest({ baseUrl: ctx.env.DISCORD_API_BASE, botToken });
}

/** Discord's refusal as the caller can act on it: a guild the bot is not in is not found; the rest is Discord's. */
async function fromDiscord<T>(guildId: string | null, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof DiscordApiError)) throw error;
    if (guildId && (error.code === MISSING_ACCESS || error.status === 404)) throw new ApiError(404, 'guild_not_found', `The bot is not in guild ${guildId}`, 'guild_id');
    if (error.status === 401) throw new ApiError(502, 'discord_refused', "Discord refused the tenant's bot token: check bot_token in its settings");
    throw new ApiError(502, 'discord_unavailable', `Discord did not answer as expected (${error.message})`);
  }
}

export async function botGuilds(ctx: OperationContext, principal: Principal, tenantId: string) {
  const rest = await tenantDiscord(ctx, principal, tenantId);
  return fromDiscord(null, () => rest.botGuilds());
}

export async function voiceChannels(ctx: OperationContext, principal: Principal, tenantId: string, guildId: string) {
  const rest = await tenantDiscord(ctx, principal, tenantId);
  return fromDiscord(guildId, () => rest.voiceChannels(guildId));
}
