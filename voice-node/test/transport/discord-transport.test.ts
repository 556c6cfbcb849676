import { getGroups, VoiceConnectionStatus, type VoiceConnection } from '@discordjs/voice';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import type { AudioTransport, InboundFrame, TransportTarget } from '../../src/transport/audio-transport.ts';
import { createDiscordClientRegistry, type DiscordClientRegistry } from '../../src/transport/discord-clients.ts';
import { createDiscordTransport, type DiscordTransportTimings } from '../../src/transport/discord-transport.ts';
import { startFakeDiscord, type FakeDiscord } from './fake-discord.ts';

/**
 * The Discord transport at its seam: real discord.js and @discordjs/voice against a
 * stand-in gateway (fake-discord.ts). The voice server never completes TLS, so the
 * tests mark a connection Ready themselves where Discord's voice server would, and feed
 * the real VoiceReceiver the way its UDP handler does.
 */

const GUILD_A = '800000000000000001';
const GUILD_B = '800000000000000002';
const CHANNEL_A = '810000000000000001';
const CHANNEL_A2 = '810000000000000002';
const CHANNEL_B = '820000000000000001';
// Not starting with "Bot": discord.js strips such a prefix (real tokens never have one).
const TOKEN = 'tenant-one.token';
const log = createLogger({}, { sink: () => {} });
const timings: Partial<DiscordTransportTimings> = {
  readyTimeoutMs: 2000,
  reconnectGraceMs: 150,
  maxRejoins: 2,
  rejoinBaseDelayMs: 20,
};

let discord: FakeDiscord;
let registry: DiscordClientRegistry;
const transports: AudioTransport[] = [];

function transport(guildId: string, channelId: string, overrides: Partial<DiscordTransportTimings> = {}) {
  const target: TransportTarget = { sessionId: `session-${guildId}`, tenantId: 'tenant-one', guildId, channelId, log };
  const created = createDiscordTransport({ target, botToken: TOKEN, clients: registry, timings: { ...timings, ...overrides } });
  transports.push(created);
  return created;
}

/** The guild's voice connection, in whichever group (bot) the transport made it. */
function findConnection(guildId: string): VoiceConnection | undefined {
  for (const connections of getGroups().values()) {
    const found = connections.get(guildId);
    if (found) return found;
  }
  return undefined;
}

async function connectionFor(guildId: string): Promise<VoiceConnection> {
  await discord.waitFor(() => findConnection(guildId) !== undefined);
  return findConnection(guildId) as VoiceConnection;
}

/** Where Discord's voice server would take the connection once its handshake completes. */
function markReady(connection: VoiceConnection) {
  const state = connection.state;
  if (state.status !== VoiceConnectionStatus.Connecting) throw new Error(`cannot mark ${state.status} ready`);
  connection.state = { ...state, status: VoiceConnectionStatus.Ready };
}

async function joined(guildId: string, channelId: string, overrides: Partial<DiscordTransportTimings> = {}) {
  const created = transport(guildId, channelId, overrides);
  const joining = created.join();
  const connection = await connectionFor(guildId);
  await discord.waitFor(() => connection.state.status === VoiceConnectionStatus.Connecting);
  markReady(connection);
  await joining;
  return { transport: created, connection };
}

beforeEach(async () => {
  discord = await startFakeDiscord([
    { id: GUILD_A, channels: [CHANNEL_A, CHANNEL_A2] },
    { id: GUILD_B, channels: [CHANNEL_B] },
  ]);
  registry = createDiscordClientRegistry({ log, restApi: discord.restApi });
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((created) => created.leave()));
  await discord.close();
});

describe('Discord transport', () => {
  it('logs the bot in through the configured REST base and joins the channel, unmuted and undeafened', async () => {
    await joined(GUILD_A, CHANNEL_A);
    expect(discord.identifies).toEqual([{ token: TOKEN, intents: expect.any(Number) }]);
    // Guilds (1 << 0) and GuildVoiceStates (1 << 7), nothing privileged.
    expect(discord.identifies[0]?.intents).toBe(1 | (1 << 7));
    expect(discord.voiceStateRequests[0]).toEqual({ guild_id: GUILD_A, channel_id: CHANNEL_A, self_mute: false, self_deaf: false });
    expect(registry.size).toBe(1);
  });

  it('emits each speaker’s Opus frames from the receiver, and their stream end after silence', async () => {
    const { transport: session, connection } = await joined(GUILD_A, CHANNEL_A);
    const frames: InboundFrame[] = [];
    const ended: string[] = [];
    session.onAudio((frame) => frames.push(frame));
    session.onSpeakerEnd((speakerId) => ended.push(speakerId));
    // What VoiceReceiver.onUdpMessage does for a decrypted packet: speaking start, then push.
    for (const [userId, byte] of [
      ['700000000000000001', 1],
      ['700000000000000002', 2],
    ] as const) {
      connection.receiver.speaking.emit('start', userId);
      connection.receiver.subscriptions.get(userId)?.push(Buffer.from([0xfc, byte, byte]));
      connection.receiver.subscriptions.get(userId)?.push(Buffer.from([0xfc, byte, byte, byte]));
    }
    await discord.waitFor(() => frames.length === 4);
    expect(frames.map((frame) => [frame.speakerId, frame.opus.length])).toEqual([
      ['700000000000000001', 3],
      ['700000000000000001', 4],
      ['700000000000000002', 3],
      ['700000000000000002', 4],
    ]);
    await discord.waitFor(() => ended.length === 2, 3000);
    expect(ended.sort()).toEqual(['700000000000000001', '700000000000000002']);
    // A new talk spurt subscribes again.
    connection.receiver.speaking.emit('start', '700000000000000001');
    connection.receiver.subscriptions.get('700000000000000001')?.push(Buffer.from([0xfc, 9, 9]));
    await discord.waitFor(() => frames.length === 5);
    expect(frames.at(-1)?.opus).toEqual(Buffer.from([0xfc, 9, 9]));
  });

  it('plays the mixer’s frames through an AudioPlayer, one resource per speaking burst', async () => {
    const { transport: session, connection } = await joined(GUILD_A, CHANNEL_A);
    const state = connection.state;
    if (state.status !== VoiceConnectionStatus.Ready) throw new Error('not ready');
    const player = state.subscription?.player;
    expect(player).toBeDefined();
    session.setSpeaking(true);
    session.send(new Uint8Array([0xfc, 1, 2]));
    await discord.waitFor(() => player?.state.status === 'playing');
    session.setSpeaking(false);
    await discord.waitFor(() => player?.state.status === 'idle', 2000);
    // A frame without setSpeaking(true) (e.g. after the player gave up on a starved burst) starts a new one.
    session.send(new Uint8Array([0xfc, 3, 4]));
    await discord.waitFor(() => player?.state.status === 'playing');
    session.setSpeaking(false);
  });

  it('rejoins when the voice server goes away and nothing reconnects by itself', async () => {
    const { connection } = await joined(GUILD_A, CHANNEL_A);
    const requestsBefore = discord.voiceStateRequests.length;
    const disconnected = new Promise((resolve) => connection.once(VoiceConnectionStatus.Disconnected, resolve));
    discord.removeVoiceServer(GUILD_A);
    await disconnected;
    // After the grace period, the transport asks the gateway to put it back in its channel.
    await discord.waitFor(() => discord.voiceStateRequests.length > requestsBefore, 3000);
    expect(discord.voiceStateRequests.at(-1)).toMatchObject({ guild_id: GUILD_A, channel_id: CHANNEL_A });
    await discord.waitFor(() => connection.state.status === VoiceConnectionStatus.Connecting);
    markReady(connection);
    expect(connection.rejoinAttempts).toBe(0);
  });

  it('follows a move to another channel without rejoining the old one', async () => {
    const { connection } = await joined(GUILD_A, CHANNEL_A);
    const requestsBefore = discord.voiceStateRequests.length;
    // A moderator drags the bot: Discord drops the voice server, then sends the new state and server.
    discord.removeVoiceServer(GUILD_A);
    discord.sendVoiceJoin(GUILD_A, CHANNEL_A2);
    await discord.waitFor(() => connection.state.status === VoiceConnectionStatus.Connecting);
    markReady(connection);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(discord.voiceStateRequests.length).toBe(requestsBefore);
    expect(connection.joinConfig.channelId).toBe(CHANNEL_A2);
  });

  it('reports the transport lost when bounded rejoins all fail, and releases the bot', async () => {
    const { transport: session, connection } = await joined(GUILD_A, CHANNEL_A, { readyTimeoutMs: 200 });
    const lost: Error[] = [];
    session.onLost((error) => lost.push(error));
    discord.answerVoiceRequests = false;
    const requestsBefore = discord.voiceStateRequests.length;
    discord.removeVoiceServer(GUILD_A);
    await discord.waitFor(() => lost.length === 1, 5000);
    expect(lost[0]?.message).toMatch(/2 rejoins failed/);
    // Two rejoin requests, then the leave (channel null) as the connection is destroyed.
    expect(discord.voiceStateRequests.slice(requestsBefore).map((request) => request.channel_id)).toEqual([CHANNEL_A, CHANNEL_A, null]);
    expect(connection.state.status).toBe(VoiceConnectionStatus.Destroyed);
    await discord.waitFor(() => registry.size === 0);
  });

  it('shares one gateway login across a tenant’s sessions and logs out when the last leaves', async () => {
    const first = await joined(GUILD_A, CHANNEL_A);
    const second = await joined(GUILD_B, CHANNEL_B);
    expect(discord.identifies).toHaveLength(1);
    expect(registry.size).toBe(1);
    await first.transport.leave();
    await first.transport.leave();
    expect(first.connection.state.status).toBe(VoiceConnectionStatus.Destroyed);
    await discord.waitFor(() => discord.voiceStateRequests.some((r) => r.guild_id === GUILD_A && r.channel_id === null));
    expect(registry.size).toBe(1);
    expect(discord.gatewayConnections).toBe(1);
    await second.transport.leave();
    expect(registry.size).toBe(0);
    await discord.waitFor(() => discord.gatewayConnections === 0);
  });

  it('fails to join a guild the bot is not in, and a channel that never becomes ready, releasing the bot', async () => {
    await expect(transport('899999999999999999', CHANNEL_A).join()).rejects.toThrow(/not in guild/);
    expect(registry.size).toBe(0);
    discord.answerVoiceRequests = false;
    await expect(transport(GUILD_A, CHANNEL_A, { readyTimeoutMs: 200 }).join()).rejects.toThrow(/could not join/);
    expect(registry.size).toBe(0);
    expect(findConnection(GUILD_A)).toBeUndefined();
  });

  it('rejects the join when the gateway login fails', async () => {
    const broken = createDiscordClientRegistry({ log, restApi: 'http://127.0.0.1:9/api' });
    const target: TransportTarget = { sessionId: 's', tenantId: 't', guildId: GUILD_A, channelId: CHANNEL_A, log };
    await expect(createDiscordTransport({ target, botToken: TOKEN, clients: broken, timings }).join()).rejects.toThrow();
    expect(broken.size).toBe(0);
  });
});
