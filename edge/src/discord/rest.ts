import type {
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPutAPIApplicationGuildCommandsJSONBody,
} from 'discord-api-types/v10';
import * as v from 'valibot';

/** Discord's REST API, through fetch; the base URL is configuration so tests use a stand-in. */

export const DEFAULT_DISCORD_API_BASE = 'https://discord.com/api/v10';
/** Discord answers within this or we give up: interactions have a 15-minute token, not our patience. */
const REQUEST_TIMEOUT_MS = 5000;
/** A 429 with a wait this short is retried once; longer ones are reported. */
const MAX_RETRY_AFTER_S = 2;
/** Discord's JSON error code for "Unknown Voice State": the user is in no voice channel. */
const UNKNOWN_VOICE_STATE = 10065;

const ErrorBodySchema = v.object({ code: v.optional(v.number()), message: v.optional(v.string()), retry_after: v.optional(v.number()) });
const VoiceStateSchema = v.object({ channel_id: v.nullable(v.string()) });
const GuildsSchema = v.array(v.object({ id: v.string(), name: v.string(), icon: v.nullable(v.string()) }));
const ChannelsSchema = v.array(v.object({ id: v.string(), name: v.nullish(v.string()), type: v.number(), position: v.optional(v.number()) }));
/** Discord's channel types a bot can join for voice: GUILD_VOICE and GUILD_STAGE_VOICE. */
const VOICE_CHANNEL_TYPES = new Set([2, 13]);

/** A refusal from Discord; the message names the route, never the URL (webhook URLs carry tokens). */
export class DiscordApiError extends Error {
  readonly status: number;
  readonly code: number | undefined;

  constructor(route: string, status: number, code: number | undefined, message: string) {
    super(`${route}: ${status}${code === undefined ? '' : ` (${code})`} ${message}`);
    this.name = 'DiscordApiError';
    this.status = status;
    this.code = code;
  }
}

export interface DiscordRestOptions {
  baseUrl?: string | undefined;
  /** Needed for bot routes; webhook routes authenticate with the interaction token instead. */
  botToken?: string | undefined;
}

export type DiscordRest = ReturnType<typeof discordRest>;

export function discordRest(options: DiscordRestOptions) {
  const base = (options.baseUrl || DEFAULT_DISCORD_API_BASE).replace(/\/+$/, '');

  async function call(route: string, method: string, path: string, body?: unknown, bot = true): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'DiscordBot (https://glyphoxa.app, 1)' };
    if (bot) {
      if (!options.botToken) throw new DiscordApiError(route, 401, undefined, 'the tenant has no bot token');
      headers.authorization = `Bot ${options.botToken}`;
    }
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      const json: unknown = text ? safeJson(text) : null;
      if (res.ok) return json;
      const error = v.safeParse(ErrorBodySchema, json);
      const detail = error.success ? error.output : {};
      if (res.status === 429 && attempt === 0 && (detail.retry_after ?? Infinity) <= MAX_RETRY_AFTER_S) {
        await new Promise((r) => setTimeout(r, detail.retry_after! * 1000));
        continue;
      }
      throw new DiscordApiError(route, res.status, detail.code, detail.message ?? res.statusText);
    }
  }

  return {
    /** The voice channel the user is in within the guild, or null when they are in none. */
    async voiceChannelOf(guildId: string, userId: string): Promise<string | null> {
      const route = 'GET /guilds/:guild/voice-states/:user';
      try {
        const state = v.parse(VoiceStateSchema, await call(route, 'GET', `/guilds/${guildId}/voice-states/${userId}`));
        return state.channel_id;
      } catch (error) {
        if (error instanceof DiscordApiError && error.code === UNKNOWN_VOICE_STATE) return null;
        throw error;
      }
    },

    /** The guilds the bot is in (Discord's first page: up to 200). */
    async botGuilds() {
      return v.parse(GuildsSchema, await call('GET /users/@me/guilds', 'GET', '/users/@me/guilds'));
    },

    /** The guild's voice and stage channels, in Discord's order; a guild the bot is not in is a 403 (50001). */
    async voiceChannels(guildId: string) {
      const channels = v.parse(ChannelsSchema, await call('GET /guilds/:guild/channels', 'GET', `/guilds/${guildId}/channels`));
      return channels.filter((c) => VOICE_CHANNEL_TYPES.has(c.type)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((c) => ({ id: c.id, name: c.name ?? '', type: c.type === 2 ? ('voice' as const) : ('stage' as const) }));
    },

    /** Replaces the application's whole command set in the guild (an empty list removes them). */
    async putGuildCommands(applicationId: string, guildId: string, commands: RESTPutAPIApplicationGuildCommandsJSONBody): Promise<void> {
      await call('PUT /applications/:app/guilds/:guild/commands', 'PUT', `/applications/${applicationId}/guilds/${guildId}/commands`, commands);
    },

    /** Posts a message in a channel as the bot (a voice channel's text chat included). */
    async createMessage(channelId: string, message: RESTPostAPIChannelMessageJSONBody): Promise<void> {
      await call('POST /channels/:channel/messages', 'POST', `/channels/${channelId}/messages`, message);
    },

    /** Edits the reply to an interaction, the deferred one included. */
    async editOriginal(applicationId: string, interactionToken: string, message: RESTPatchAPIWebhookWithTokenMessageJSONBody): Promise<void> {
      await call('PATCH /webhooks/:app/:token/messages/@original', 'PATCH', `/webhooks/${applicationId}/${encodeURIComponent(interactionToken)}/messages/@original`, message, false);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
