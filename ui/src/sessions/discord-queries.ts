import { queryOptions } from '@tanstack/react-query';
import { api } from '../api/client.ts';

/** What the team's bot can join, read by the edge through Discord's REST API (edge/src/routes/api/discord-guilds.ts). */

const guilds = api.tenants[':id'].discord.guilds;

export const botGuildsQuery = (tenantId: string) =>
  queryOptions({
    queryKey: ['tenants', tenantId, 'discord', 'guilds'] as const,
    queryFn: async () => (await (await guilds.$get({ param: { id: tenantId } })).json()).guilds,
    // Discord's answer changes when the DM adds the bot somewhere: asked again on each visit, not retried on refusal.
    staleTime: 0,
    retry: false,
  });

export const voiceChannelsQuery = (tenantId: string, guildId: string) =>
  queryOptions({
    queryKey: ['tenants', tenantId, 'discord', 'guilds', guildId, 'voice-channels'] as const,
    queryFn: async () => (await (await guilds[':guildId']['voice-channels'].$get({ param: { id: tenantId, guildId } })).json()).channels,
    retry: false,
  });
