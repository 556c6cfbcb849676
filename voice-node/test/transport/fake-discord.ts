import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Just enough Discord for the voice transport's tests, on 127.0.0.1: the REST call
 * discord.js makes at login (GET /api/v10/gateway/bot), a gateway (v10 JSON) that
 * answers IDENTIFY with READY and a GUILD_CREATE per guild, and answers voice state
 * updates (op 4) with VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE. The voice server it
 * names accepts TCP and never speaks TLS, so @discordjs/voice's networking waits in
 * Connecting: the tests drive the connection from there (no UDP, no DAVE).
 */

export const BOT_USER_ID = '900000000000000001';

/** An op 4 the bot sent: where it asked to be. */
export interface VoiceStateRequest {
  guild_id: string;
  channel_id: string | null;
  self_mute: boolean;
  self_deaf: boolean;
}

export interface FakeDiscord {
  /** discord.js `rest.api`. */
  restApi: string;
  /** IDENTIFY payloads received (one per gateway login). */
  identifies: Array<{ token: string; intents: number }>;
  voiceStateRequests: VoiceStateRequest[];
  /** Whether op 4 gets answered (off: the gateway ignores join requests). */
  answerVoiceRequests: boolean;
  /** Open gateway connections. */
  readonly gatewayConnections: number;
  /** Dispatches a gateway event to every connected client. */
  dispatch(event: string, data: unknown): void;
  /** The VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE pair Discord sends when the bot (re)joins or moves. */
  sendVoiceJoin(guildId: string, channelId: string): void;
  /** What Discord sends when the voice server goes away. */
  removeVoiceServer(guildId: string): void;
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDiscord(guilds: Array<{ id: string; channels: string[] }>): Promise<FakeDiscord> {
  const holdSockets = new Set<Socket>();
  const voiceServer: TcpServer = createTcpServer((socket) => {
    holdSockets.add(socket);
    socket.on('close', () => holdSockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => voiceServer.listen(0, '127.0.0.1', resolve));
  const voiceEndpoint = `127.0.0.1:${(voiceServer.address() as AddressInfo).port}`;

  const http: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v10/gateway/bot')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          url: `ws://127.0.0.1:${port}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        }),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Unknown', code: 0 }));
    }
  });
  const gateway = new WebSocketServer({ server: http, path: '/gateway' });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  const sockets = new Set<WebSocket>();
  let sequence = 0;
  const send = (ws: WebSocket, event: string, data: unknown) => ws.send(JSON.stringify({ op: 0, s: ++sequence, t: event, d: data }));
  const botUser = { id: BOT_USER_ID, username: 'glyphoxa', discriminator: '0', global_name: null, avatar: null, bot: true };

  const fake: FakeDiscord = {
    restApi: `http://127.0.0.1:${port}/api`,
    identifies: [],
    voiceStateRequests: [],
    answerVoiceRequests: true,
    get gatewayConnections() {
      return sockets.size;
    },
    dispatch(event, data) {
      for (const ws of sockets) send(ws, event, data);
    },
    sendVoiceJoin(guildId, channelId) {
      fake.dispatch('VOICE_STATE_UPDATE', {
        guild_id: guildId,
        channel_id: channelId,
        user_id: BOT_USER_ID,
        session_id: 'voice-session',
        deaf: false,
        mute: false,
        self_deaf: false,
        self_mute: false,
        self_video: false,
        suppress: false,
        request_to_speak_timestamp: null,
        member: { user: botUser, roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 },
      });
      fake.dispatch('VOICE_SERVER_UPDATE', { token: 'voice-token', guild_id: guildId, endpoint: voiceEndpoint });
    },
    removeVoiceServer(guildId) {
      fake.dispatch('VOICE_SERVER_UPDATE', { token: 'voice-token', guild_id: guildId, endpoint: null });
    },
    async waitFor(check, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('fake Discord: timed out waiting');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      for (const socket of holdSockets) socket.destroy();
      await new Promise((resolve) => gateway.close(resolve));
      await new Promise((resolve) => http.close(resolve));
      await new Promise((resolve) => voiceServer.close(resolve));
    },
  };

  gateway.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    ws.on('message', (raw) => {
      const { op, d } = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (op === 1) {
        ws.send(JSON.stringify({ op: 11 }));
      } else if (op === 2) {
        fake.identifies.push({ token: String(d.token), intents: Number(d.intents) });
        send(ws, 'READY', {
          v: 10,
          user: botUser,
          guilds: guilds.map(({ id }) => ({ id, unavailable: true })),
          session_id: 'gateway-session',
          resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
          shard: [0, 1],
          application: { id: '900000000000000002', flags: 0 },
        });
        for (const guild of guilds) send(ws, 'GUILD_CREATE', guildCreate(guild));
      } else if (op === 4) {
        const request = d as unknown as VoiceStateRequest;
        fake.voiceStateRequests.push(request);
        if (fake.answerVoiceRequests && request.channel_id) fake.sendVoiceJoin(request.guild_id, request.channel_id);
      }
    });
  });

  return fake;
}

function guildCreate(guild: { id: string; channels: string[] }) {
  return {
    id: guild.id,
    name: `Guild ${guild.id}`,
    icon: null,
    owner_id: '900000000000000009',
    unavailable: false,
    member_count: 1,
    large: false,
    joined_at: new Date(0).toISOString(),
    features: [],
    channels: guild.channels.map((id, position) => ({
      id,
      type: 2,
      name: `voice-${position}`,
      guild_id: guild.id,
      position,
      permission_overwrites: [],
      bitrate: 64_000,
      user_limit: 0,
      rtc_region: null,
    })),
    roles: [],
    members: [],
    voice_states: [],
    presences: [],
    emojis: [],
    stickers: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
