/**
 * A stand-in for Discord's REST API, for the edge tests: miniflare routes the
 * Worker's requests for `discord.test` here (vitest.config.ts `outboundService`),
 * in the test runner's Node process. It answers the routes Glyphoxa calls with
 * Discord's real response shapes and error codes, and records every call.
 *
 * Tests steer and read it over the same wire, under `/__stand-in/`:
 *   GET  /__stand-in/calls                          every recorded call, oldest first
 *   GET  /__stand-in/commands/:app/:guild            the command set registered there
 *   PUT  /__stand-in/voice-states/:guild/:user       {channel_id} the user's voice channel
 *   PUT  /__stand-in/missing-access/:guild           the bot is not in that guild: 403 50001
 *   PUT  /__stand-in/bot-guilds/:token               {guilds: [{id, name, channels: [{id, name, type}]}]}
 *                                                    the guilds (and their channels) the bot with that token is in
 *   PUT  /__stand-in/attachments/:name               {content, repeat?} an uploaded file: answers the
 *                                                    attachment as Discord resolves it, its `url` on this host
 *
 * Sign-in with Discord (OAuth2 and the user's own API) is oauth/discord-oauth.ts.
 */
import { discordOAuth, isDiscordOAuthPath } from './oauth/discord-oauth.ts';

export const DISCORD_STAND_IN_HOST = 'discord.test';
export const DISCORD_STAND_IN_BASE = `http://${DISCORD_STAND_IN_HOST}/api/v10`;

export interface RecordedCall {
  method: string;
  /** Path below the API base, e.g. `/applications/1/guilds/2/commands`. */
  path: string;
  /** The Authorization header as sent: tests check each tenant's bot uses its own token. */
  authorization: string | null;
  body: unknown;
}

const calls: RecordedCall[] = [];
const commands = new Map<string, unknown[]>();
const voiceStates = new Map<string, string>();
const missingAccess = new Set<string>();
interface StandInGuild {
  id: string;
  name: string;
  channels: Array<{ id: string; name: string; type: number }>;
}
/** The guilds each bot (by its token) is in. */
const botGuilds = new Map<string, StandInGuild[]>();
const guildsOf = (request: Request) => botGuilds.get((request.headers.get('authorization') ?? '').replace(/^Bot /, '')) ?? [];
/** Uploaded files, by the path of their URL (as on Discord's CDN). */
const attachments = new Map<string, string>();
let nextId = 1_300_000_000_000_000_000n;
const snowflake = () => String(nextId++);

const json = (status: number, body: unknown) => Response.json(body, { status });
const discordError = (status: number, code: number, message: string) => json(status, { message, code });

type Route = (match: RegExpMatchArray, request: Request, body: unknown) => Response;

const api: Array<[string, RegExp, Route]> = [
  [
    'PUT',
    /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
    ([, app, guild], request, body) => {
      if (!isBot(request)) return discordError(401, 0, '401: Unauthorized');
      if (missingAccess.has(guild!)) return discordError(403, 50001, 'Missing Access');
      if (!Array.isArray(body)) return discordError(400, 50035, 'Invalid Form Body');
      const created = body.map((definition: Record<string, unknown>) => ({
        id: snowflake(),
        application_id: app,
        guild_id: guild,
        version: snowflake(),
        type: 1,
        default_member_permissions: null,
        nsfw: false,
        ...definition,
      }));
      commands.set(`${app}/${guild}`, created);
      return json(200, created);
    },
  ],
  [
    'GET',
    /^\/guilds\/(\d+)\/voice-states\/(\d+)$/,
    ([, guild, user], request) => {
      if (!isBot(request)) return discordError(401, 0, '401: Unauthorized');
      const channel = voiceStates.get(`${guild}/${user}`);
      if (!channel) return discordError(404, 10065, 'Unknown Voice State');
      return json(200, {
        guild_id: guild,
        channel_id: channel,
        user_id: user,
        session_id: crypto.randomUUID().replaceAll('-', ''),
        deaf: false,
        mute: false,
        self_deaf: false,
        self_mute: false,
        self_video: false,
        suppress: false,
        request_to_speak_timestamp: null,
      });
    },
  ],
  [
    'GET',
    /^\/users\/@me\/guilds$/,
    (_match, request) => {
      if (!isBot(request)) return discordError(401, 0, '401: Unauthorized');
      return json(200, guildsOf(request).map((g) => ({ id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: '0', features: [], approximate_member_count: 3 })));
    },
  ],
  [
    'GET',
    /^\/guilds\/(\d+)\/channels$/,
    ([, guildId], request) => {
      if (!isBot(request)) return discordError(401, 0, '401: Unauthorized');
      const guild = guildsOf(request).find((g) => g.id === guildId);
      if (!guild) return discordError(403, 50001, 'Missing Access');
      return json(200, guild.channels.map((c, position) => ({ ...c, guild_id: guild.id, position, parent_id: null, permission_overwrites: [], nsfw: false, ...(c.type === 2 && { bitrate: 64000, user_limit: 0, rtc_region: null }) })));
    },
  ],
  [
    'PATCH',
    /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
    ([, app], _request, body) =>
      json(200, {
        id: snowflake(),
        type: 20,
        application_id: app,
        channel_id: snowflake(),
        content: (body as { content?: string }).content ?? '',
        flags: 64,
        timestamp: new Date().toISOString(),
      }),
  ],
  [
    'POST',
    /^\/channels\/(\d+)\/messages$/,
    ([, channel], request, body) => {
      if (!isBot(request)) return discordError(401, 0, '401: Unauthorized');
      return json(200, { id: snowflake(), type: 0, channel_id: channel, content: (body as { content?: string }).content ?? '', timestamp: new Date().toISOString() });
    },
  ],
];

const control: Array<[string, RegExp, Route]> = [
  ['GET', /^\/calls$/, () => json(200, { calls })],
  ['GET', /^\/commands\/(\d+)\/(\d+)$/, ([, app, guild]) => json(200, { commands: commands.get(`${app}/${guild}`) ?? null })],
  [
    'PUT',
    /^\/voice-states\/(\d+)\/(\d+)$/,
    ([, guild, user], _request, body) => {
      const channel = (body as { channel_id?: string | null }).channel_id;
      if (channel) voiceStates.set(`${guild}/${user}`, channel);
      else voiceStates.delete(`${guild}/${user}`);
      return new Response(null, { status: 204 });
    },
  ],
  ['PUT', /^\/bot-guilds\/([\w.-]+)$/, ([, token], _request, body) => (botGuilds.set(token!, (body as { guilds: StandInGuild[] }).guilds), new Response(null, { status: 204 }))],
  ['PUT', /^\/missing-access\/(\d+)$/, ([, guild]) => (missingAccess.add(guild!), new Response(null, { status: 204 }))],
  [
    'PUT',
    /^\/attachments\/([\w.-]+)$/,
    ([, filename], _request, body) => {
      const { content, repeat = 1 } = body as { content: string; repeat?: number };
      const id = snowflake();
      const path = `/attachments/${snowflake()}/${id}/${filename}`;
      const text = content.repeat(repeat);
      attachments.set(path, text);
      const size = new TextEncoder().encode(text).byteLength;
      return json(200, { id, filename, size, url: `http://${DISCORD_STAND_IN_HOST}${path}`, content_type: 'application/x-yaml; charset=utf-8' });
    },
  ],
];

function isBot(request: Request): boolean {
  return /^Bot \S+$/.test(request.headers.get('authorization') ?? '');
}

/** Answers one request addressed to the stand-in's host. */
export async function discordStandIn(request: Request): Promise<Response> {
  const url = new URL(request.url);
  // A bot's own calls (its guilds) share paths with the user API sign-in uses: told apart by the Bot credential.
  if (isDiscordOAuthPath(url.pathname) && !isBot(request)) return discordOAuth(request);
  const text = await request.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (url.pathname.startsWith('/__stand-in/')) return route(control, url.pathname.slice('/__stand-in'.length), request, body);
  if (url.pathname.startsWith('/attachments/')) {
    const file = attachments.get(url.pathname);
    return file === undefined ? new Response('Not Found', { status: 404 }) : new Response(file, { headers: { 'content-type': 'application/octet-stream' } });
  }
  if (!url.pathname.startsWith('/api/v10/')) return discordError(404, 0, '404: Not Found');
  const path = url.pathname.slice('/api/v10'.length);
  calls.push({ method: request.method, path, authorization: request.headers.get('authorization'), body });
  return route(api, path, request, body);
}

function route(routes: Array<[string, RegExp, Route]>, path: string, request: Request, body: unknown): Response {
  for (const [method, pattern, handle] of routes) {
    const match = path.match(pattern);
    if (match && method === request.method) return handle(match, request, body);
  }
  return discordError(404, 0, '404: Not Found');
}
