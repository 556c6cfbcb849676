import { createCipheriv, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import {
  type DAVESession,
  getGroups,
  type Networking,
  NetworkingStatusCode,
  VoiceConnectionStatus,
  VoiceUDPSocket,
  type VoiceConnection,
} from '@discordjs/voice';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import type { AudioTransport, InboundFrame, TransportTarget } from '../../src/transport/audio-transport.ts';
import { createDiscordClientRegistry, type DiscordClientRegistry } from '../../src/transport/discord-clients.ts';
import type { DaveGuardTimings } from '../../src/transport/dave-receive-guard.ts';
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

/** Receive events the transports counted, and the warnings they logged, for the DAVE tests. */
let counted: string[] = [];
let logged: Array<{ level: string; msg: string }> = [];
const watchedLog = createLogger({}, { sink: (line) => logged.push(JSON.parse(line) as { level: string; msg: string }) });
const daveTimings: Partial<DaveGuardTimings> = { failureStreak: 40, notReadyMs: 200, rekeyCooldownMs: 300, rejoinAfterMs: 100, rejoinCooldownMs: 5000, epochGraceMs: 300 };

function transport(guildId: string, channelId: string, overrides: Partial<DiscordTransportTimings> = {}) {
  const target: TransportTarget = { sessionId: `session-${guildId}`, tenantId: 'tenant-one', guildId, channelId, log: watchedLog };
  const created = createDiscordTransport({
    target,
    botToken: TOKEN,
    clients: registry,
    timings: { ...timings, ...overrides },
    dave: daveTimings,
    countEvent: (event) => counted.push(event),
  });
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
  counted = [];
  logged = [];
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
    // Two rejoin requests, then the leave (channel null) as the connection is destroyed; the
    // leave travels the gateway after the loss is reported.
    await discord.waitFor(() => discord.voiceStateRequests.slice(requestsBefore).some((request) => request.channel_id === null), 5000);
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

/**
 * A voice connection as Discord's voice server leaves it once its handshake is done:
 * networking Ready with a UDP socket (real, to a local UDP server), an AES-256-GCM
 * transport key, and a real DAVE session (@snazzah/davey through @discordjs/voice)
 * that has no MLS group, so it is not ready. Packets go in where the UDP socket's own
 * handler puts them, through the real receiver and the real DAVE session.
 */
async function daveConnection(guildId: string) {
  const { transport: session, connection } = await joined(guildId, CHANNEL_A);
  const state = connection.state;
  if (state.status !== VoiceConnectionStatus.Ready) throw new Error('not ready');
  const networking = state.networking as Networking;
  const server: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  sockets.push(server);
  const udp = new VoiceUDPSocket({ ip: '127.0.0.1', port: server.address().port });
  // Its first keep-alive goes out on the next turn of the loop; a socket torn down before then would throw.
  await new Promise((resolve) => setImmediate(resolve));
  const secretKey = randomBytes(32);
  const previous = networking.state as unknown as Record<string, unknown>;
  networking.state = {
    ...previous,
    code: NetworkingStatusCode.Ready,
    udp,
    connectionData: { ssrc: 1, encryptionMode: 'aead_aes256_gcm_rtpsize', secretKey, nonceBuffer: Buffer.alloc(12), sequence: 0, timestamp: 0, nonce: 0, speaking: false, packetsPlayed: 0, connectedClients: new Set() },
  } as never;
  const dave = (networking as unknown as { createDaveSession(version: number): DAVESession }).createDaveSession(1);
  networking.state = { ...(networking.state as object), dave } as never;
  let sequence = 0;
  /** One RTP packet from `ssrc` carrying `opus`, encrypted as the voice server does (rtpsize AES-GCM, 4-byte nonce at the end). */
  const packet = (ssrc: number, opus: Buffer) => {
    const header = Buffer.alloc(12);
    header.writeUInt8(0x80, 0);
    header.writeUInt8(120, 1);
    header.writeUInt16BE(++sequence & 0xffff, 2);
    header.writeUInt32BE(sequence * 960, 4);
    header.writeUInt32BE(ssrc, 8);
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(sequence, 0);
    const cipher = createCipheriv('aes-256-gcm', secretKey, nonce);
    cipher.setAAD(header);
    const encrypted = Buffer.concat([cipher.update(opus), cipher.final()]);
    return Buffer.concat([header, encrypted, cipher.getAuthTag(), nonce.subarray(0, 4)]);
  };
  const frames: InboundFrame[] = [];
  const ended: string[] = [];
  session.onAudio((frame) => frames.push(frame));
  session.onSpeakerEnd((speakerId) => ended.push(speakerId));
  return {
    connection,
    networking,
    dave,
    frames,
    ended,
    /** A user the voice server announced (op 5 speaking maps their SSRC). */
    speaker(userId: string, ssrc: number) {
      connection.receiver.ssrcMap.update({ userId, audioSSRC: ssrc });
      return { send: (opus = Buffer.from([0xfc, 0xff, 0xfe])) => udp.emit('message', packet(ssrc, opus)) };
    },
    raw: (ssrc: number) => udp.emit('message', packet(ssrc, Buffer.from([0xfc, 1, 2]))),
  };
}

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** Voice gateway opcode 24: a new MLS group is coming (DAVE protocol). */
const DAVE_PREPARE_EPOCH = 24;
const times = (event: string) => counted.filter((e) => e === event).length;
const pace = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Discord receive with DAVE', () => {
  it('drops audio a DAVE session that never becomes ready cannot decrypt, re-keys, then rejoins, each once per cooldown', async () => {
    const voice = await daveConnection(GUILD_A);
    const player = voice.speaker('700000000000000001', 1111);
    const requestsBefore = discord.voiceStateRequests.length;
    // A player's packets until the node rejoins: past the not-ready wait, the re-key, and the
    // wait before rejoining (a bound of time, so counted by what was sent in it, not a number).
    let sentBeforeRejoin = 0;
    for (let i = 0; i < 400 && times('dave_rejoin') === 0; i++, sentBeforeRejoin++) {
      player.send();
      await pace();
    }
    for (let i = 0; i < 20; i++) {
      player.send();
      await pace();
    }

    // Nothing still end-to-end encrypted reached the Opus decoder, and the speaker's stream was never torn down.
    expect(voice.frames).toEqual([]);
    expect(voice.ended).toEqual([]);
    expect(times('dave_packet_dropped_not_ready')).toBeGreaterThan(sentBeforeRejoin / 2);
    expect(times('dave_rekey')).toBe(1);
    expect(times('dave_rejoin')).toBe(1);
    await discord.waitFor(() => discord.voiceStateRequests.length === requestsBefore + 1);
    expect(discord.voiceStateRequests.at(-1)).toMatchObject({ guild_id: GUILD_A, channel_id: CHANNEL_A });
    expect(logged.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual(
      expect.arrayContaining(['discord voice: DAVE re-keyed', 'discord voice: DAVE still failing after a re-key; rejoining the channel']),
    );
    // Drops are counted, not logged one by one.
    expect(logged.length).toBeLessThan(20);
  });

  it('survives a streak of decryption failures after transition 0, which the library alone turns into a throw per packet', async () => {
    const voice = await daveConnection(GUILD_A);
    const { dave } = voice;
    // As if the group were established (davey has no MLS group to offer a test): its decrypt then runs for real, and fails.
    Object.defineProperty(dave.session, 'ready', { get: () => true });
    dave.prepareTransition({ transition_id: 0, protocol_version: 1 });
    expect(dave.lastTransitionId).toBe(0);
    const player = voice.speaker('700000000000000001', 2222);
    for (let i = 0; i < 60; i++) player.send();

    expect(voice.frames).toEqual([]);
    expect(voice.ended).toEqual([]);
    expect(times('dave_packet_dropped_undecryptable')).toBe(60);
    // Re-keyed despite the transition id 0: the session invalidated it and is re-initializing.
    expect(times('dave_rekey')).toBe(1);
    expect(dave.reinitializing).toBe(true);
  });

  it('lets a new group form after a prepare epoch (the channel emptied and refilled) without counting its failures', async () => {
    const voice = await daveConnection(GUILD_A);
    Object.defineProperty(voice.dave.session, 'ready', { get: () => true });
    const player = voice.speaker('700000000000000001', 3333);
    // Opcode 24 from the voice gateway, through the networking's own handler.
    (voice.networking as unknown as { onWsPacket(packet: unknown): void }).onWsPacket({ op: DAVE_PREPARE_EPOCH, d: { epoch: 1, protocol_version: 1, transition_id: 7 } });
    for (let i = 0; i < 60; i++) player.send();

    expect(times('dave_prepare_epoch')).toBe(1);
    expect(times('dave_packet_dropped_undecryptable')).toBe(60);
    expect(times('dave_rekey')).toBe(0);
    expect(voice.ended).toEqual([]);
  });

  it('drops and counts packets from an SSRC no user is known for', async () => {
    const voice = await daveConnection(GUILD_A);
    for (let i = 0; i < 30; i++) voice.raw(4444);

    expect(times('voice_packet_unknown_ssrc')).toBe(30);
    expect(voice.frames).toEqual([]);
    expect(logged.filter((line) => line.msg.includes('no known user'))).toHaveLength(1);
  });
});
