import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { httpContext } from '../../operations/context.ts';
import { botGuilds, voiceChannels } from '../../operations/discord-guilds.ts';
import { TenantParamsSchema } from '../admin-schemas.ts';
import { answers, input } from './contract.ts';
import { GuildParamsSchema, GuildsAnswer, VoiceChannelsAnswer } from './discord-guild-schemas.ts';

/** Where the tenant's bot can start a session, for the dashboard's start form; over operations/discord-guilds.ts. */
export function discordGuildRoutes() {
  return new Hono<AppEnv>()
    .get('/tenants/:id/discord/guilds', answers("The guilds the tenant's bot is in, as Discord reports them", 200, GuildsAnswer), input('param', TenantParamsSchema), async (c) =>
      c.json({ guilds: await botGuilds(httpContext(c), c.var.principal, c.req.valid('param').id) }),
    )
    .get('/tenants/:id/discord/guilds/:guildId/voice-channels', answers("A guild's voice and stage channels, in Discord's order", 200, VoiceChannelsAnswer), input('param', GuildParamsSchema), async (c) => {
      const { id, guildId } = c.req.valid('param');
      return c.json({ channels: await voiceChannels(httpContext(c), c.var.principal, id, guildId) });
    });
}
