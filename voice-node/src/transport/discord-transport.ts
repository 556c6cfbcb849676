import { Readable } from 'node:stream';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  VoiceConnectionStatus,
  type AudioPlayer,
  type AudioResource,
  type DAVESession,
  type DiscordGatewayAdapterCreator,
  type Networking,
  type VoiceConnection,
  type VoiceUDPSocket,
} from '@discordjs/voice';
import { createBackoff } from '../backoff.ts';
import {
  SPEAKER_END_SILENCE_MS,
  type AudioTransport,
  type InboundFrame,
  type TransportTarget,
} from './audio-transport.ts';
import { createDaveReceiveGuard, type DaveGuardTimings } from './dave-receive-guard.ts';
import type { DiscordClientLease, DiscordClientRegistry } from './discord-clients.ts';

/**
 * A `discord` session's audio: the tenant's bot (shared per node, see discord-clients.ts)
 * in the session's voice channel through @discordjs/voice, with DAVE end-to-end
 * encryption. Inbound: one receiver subscription per speaker, ending after
 * SPEAKER_END_SILENCE_MS of silence. Outbound: the mixer's paced Opus frames go into an
 * object-mode stream played by an AudioPlayer, one resource per speaking burst.
 * Recovery: on Disconnected, a move or region change shows up as Signalling/Connecting
 * within reconnectGraceMs and the library reconnects by itself; otherwise the
 * transport rejoins, up to maxRejoins times, then reports the transport lost.
 * Receive under DAVE is guarded (dave-receive-guard.ts): undecryptable audio is dropped,
 * and a session that stays broken is re-keyed, then the channel rejoined.
 */

export interface DiscordTransportTimings {
  /** How long join() and each rejoin wait for the connection to become Ready. */
  readyTimeoutMs: number;
  /** How long a Disconnected connection has to start reconnecting on its own. */
  reconnectGraceMs: number;
  maxRejoins: number;
  /** Backoff before each rejoin (full jitter, doubling from here). */
  rejoinBaseDelayMs: number;
}

export const DEFAULT_DISCORD_TIMINGS: DiscordTransportTimings = {
  readyTimeoutMs: 20_000,
  reconnectGraceMs: 5000,
  maxRejoins: 5,
  rejoinBaseDelayMs: 1000,
};

export interface DiscordTransportOptions {
  target: TransportTarget;
  botToken: string;
  clients: DiscordClientRegistry;
  timings?: Partial<DiscordTransportTimings>;
  dave?: Partial<DaveGuardTimings>;
  /** Counts receive drops and recoveries for /metrics. */
  countEvent?: (event: string) => void;
}

export function createDiscordTransport(options: DiscordTransportOptions): AudioTransport {
  const { target, botToken, clients } = options;
  const timings = { ...DEFAULT_DISCORD_TIMINGS, ...options.timings };
  const log = target.log.with({ transport: 'discord', guild_id: target.guildId });
  const audioListeners: Array<(frame: InboundFrame) => void> = [];
  const endListeners: Array<(speakerId: string) => void> = [];
  const lostListeners: Array<(error: Error) => void> = [];
  const subscribed = new Set<string>();
  let lease: DiscordClientLease | undefined;
  let connection: VoiceConnection | undefined;
  let player: AudioPlayer | undefined;
  /** The current speaking burst: frames pushed into `stream`, played as `resource`. */
  let outbound: { stream: Readable; resource: AudioResource } | undefined;
  let recovering = false;
  let leaving = false;
  let lost = false;

  const release = async () => {
    endOutbound();
    player?.stop(true);
    if (connection && connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    await lease?.release();
  };

  const lose = (error: Error) => {
    if (lost || leaving) return;
    lost = true;
    log.error('discord voice lost', { error: error.message });
    void release();
    for (const listener of lostListeners) listener(error);
  };

  const endOutbound = () => {
    outbound?.stream.push(null);
    outbound = undefined;
  };

  const startOutbound = () => {
    if (outbound || !player) return;
    const stream = new Readable({ objectMode: true, read() {} });
    // No padding from the library: the mixer already ends bursts with silence frames.
    const resource = createAudioResource(stream, { inputType: StreamType.Opus, silencePaddingFrames: 0 });
    outbound = { stream, resource };
    player.play(resource);
  };

  const subscribe = (userId: string) => {
    if (!connection || subscribed.has(userId)) return;
    const member = lease?.client.guilds.cache.get(target.guildId)?.members.cache.get(userId);
    // Other bots (music bots, other NPC bots) are not players.
    if (member?.user.bot) return;
    subscribed.add(userId);
    const speakerName = member?.displayName;
    const stream = connection.receiver.subscribe(userId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: SPEAKER_END_SILENCE_MS },
    });
    stream.on('data', (opus: Buffer) => {
      const frame: InboundFrame = { speakerId: userId, opus };
      if (speakerName !== undefined) frame.speakerName = speakerName;
      for (const listener of audioListeners) listener(frame);
    });
    // Decryption failures destroy the stream; the next packet subscribes afresh.
    stream.on('error', (error) => log.warn('voice receive error', { user_id: userId, error: String(error) }));
    stream.once('close', () => {
      subscribed.delete(userId);
      for (const listener of endListeners) listener(userId);
    });
  };

  const guard = createDaveReceiveGuard({
    log,
    count: (event) => options.countEvent?.(event),
    rejoin: () => {
      if (!leaving && connection && connection.state.status !== VoiceConnectionStatus.Destroyed) connection.rejoin();
    },
    timings: options.dave,
  });

  /** Every networking the connection goes through (reconnects make new ones) gets its DAVE session and UDP socket guarded. */
  const watchReceive = (voice: VoiceConnection) => {
    const guardState = (state: object) => {
      const dave = Reflect.get(state, 'dave') as DAVESession | undefined;
      const udp = Reflect.get(state, 'udp') as VoiceUDPSocket | undefined;
      if (dave) guard.session(dave);
      if (udp) guard.udp(udp, voice.receiver);
    };
    const watched = new WeakSet<Networking>();
    voice.on('stateChange', (_, to) => {
      const networking = Reflect.get(to, 'networking') as Networking | undefined;
      if (!networking || watched.has(networking)) return;
      watched.add(networking);
      guardState(networking.state);
      networking.on('stateChange', (__, state) => guardState(state));
    });
  };

  const recover = async (voice: VoiceConnection) => {
    if (recovering) return;
    recovering = true;
    try {
      try {
        await Promise.race([
          entersState(voice, VoiceConnectionStatus.Signalling, timings.reconnectGraceMs),
          entersState(voice, VoiceConnectionStatus.Connecting, timings.reconnectGraceMs),
        ]);
        await entersState(voice, VoiceConnectionStatus.Ready, timings.readyTimeoutMs);
        log.info('discord voice reconnected by itself (move or region change)');
        return;
      } catch {
        // Not coming back by itself: rejoin below.
      }
      const backoff = createBackoff({ baseMs: timings.rejoinBaseDelayMs, capMs: timings.rejoinBaseDelayMs * 8 });
      for (let attempt = 1; attempt <= timings.maxRejoins; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, backoff.next()));
        if (leaving || voice.state.status === VoiceConnectionStatus.Destroyed) return;
        log.info('discord voice rejoining', { attempt });
        voice.rejoin();
        try {
          await entersState(voice, VoiceConnectionStatus.Ready, timings.readyTimeoutMs);
          log.info('discord voice rejoined', { attempt });
          return;
        } catch {
          // Try again.
        }
      }
      lose(new Error(`voice connection lost: ${timings.maxRejoins} rejoins failed`));
    } finally {
      recovering = false;
    }
  };

  return {
    async join() {
      lease = await clients.acquire(botToken);
      const guild = lease.client.guilds.cache.get(target.guildId);
      if (!guild) {
        await lease.release();
        throw new Error(`the bot is not in guild ${target.guildId}`);
      }
      const voice = joinVoiceChannel({
        guildId: target.guildId,
        channelId: target.channelId,
        // discord.js and @discordjs/voice type the gateway payloads from different discord-api-types copies.
        adapterCreator: guild.voiceAdapterCreator as DiscordGatewayAdapterCreator,
        group: lease.key,
        selfDeaf: false,
        selfMute: false,
        daveEncryption: true,
      });
      connection = voice;
      watchReceive(voice);
      voice.on('error', (error) => log.warn('discord voice error', { error: String(error) }));
      voice.on('stateChange', (from, to) => {
        if (from.status !== to.status) log.debug('discord voice state', { from: from.status, to: to.status });
        if (leaving) return;
        if (to.status === VoiceConnectionStatus.Disconnected) void recover(voice);
        if (to.status === VoiceConnectionStatus.Destroyed) lose(new Error('voice connection destroyed'));
      });
      voice.receiver.speaking.on('start', subscribe);
      try {
        await entersState(voice, VoiceConnectionStatus.Ready, timings.readyTimeoutMs);
      } catch (error) {
        leaving = true;
        await release();
        throw new Error(`could not join voice channel ${target.channelId}: ${String(error)}`);
      }
      // Play: keep consuming frames while reconnecting, so no backlog plays late afterwards.
      player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Play } });
      player.on('error', (error) => log.warn('audio player error', { error: String(error) }));
      // The player gives up on a burst that starves (5 missed frames): the next frame starts a new one.
      player.on('stateChange', (from, to) => {
        if (to.status === AudioPlayerStatus.Idle && 'resource' in from && from.resource === outbound?.resource) outbound = undefined;
      });
      voice.subscribe(player);
      log.info('discord voice joined', { channel_id: target.channelId });
    },
    onAudio(listener) {
      audioListeners.push(listener);
    },
    onSpeakerEnd(listener) {
      endListeners.push(listener);
    },
    send(opus) {
      if (!player || leaving || lost) return;
      startOutbound();
      outbound?.stream.push(Buffer.from(opus.buffer, opus.byteOffset, opus.byteLength));
    },
    setSpeaking(speaking) {
      if (speaking) startOutbound();
      // The player drains the burst, goes idle and drops the speaking flag itself.
      else endOutbound();
    },
    // Discord shows who speaks by the bot's own indicator; NPC names have no place there.
    npcSpeaking() {},
    // Discord members read the transcript on the dashboard, and talk rather than type.
    transcript() {},
    onText() {},
    onLost(listener) {
      lostListeners.push(listener);
    },
    async leave() {
      if (leaving) return;
      leaving = true;
      await release();
      log.info('discord voice left');
    },
  };
}
