import { errorMessage, type ProviderSettings, type StartSession } from '@glyphoxa/protocol';
import { createLlm, createStt, createTts, type TtsProvider } from '@glyphoxa/providers';
import { createMixer } from '../audio/mixer.ts';
import type { OutputStats } from '../audio/output-stats.ts';
import type { VadEngine } from '../audio/vad/load.ts';
import { edgeHttpUrl } from '../config.ts';
import { SessionToolbox } from '../npc-tools/session-toolbox.ts';
import type { SessionRuntime, StartRuntime } from '../session-runtime.ts';
import type { AudioTransport, TransportTarget } from '../transport/audio-transport.ts';
import type { DiscordClientRegistry } from '../transport/discord-clients.ts';
import { createDiscordTransport } from '../transport/discord-transport.ts';
import type { AudioSessionEntry } from '../transport/websocket-audio-endpoint.ts';
import { createWebSocketTransport } from '../transport/websocket-transport.ts';
import type { TranscriptOutbox } from '../transcript-outbox.ts';
import { createEspeakTts } from '../voices/espeak.ts';
import { listenToSpeakers } from './listener.ts';
import { createNpcRoster } from './npc-roster.ts';
import { createSessionPipeline, END_OF_SPEECH_SILENCE_MS, type PipelineProviders } from './session-pipeline.ts';
import { createSessionReporter } from './session-reporter.ts';

export interface VoiceRuntimeOptions {
  /** Loaded once per node, shared by every session. */
  vad: VadEngine;
  /** Used for what a tenant configured none of (the operator's keys). */
  defaultProviders: ProviderSettings;
  /** `websocket` sessions by id, for the node's audio endpoint to find. */
  audioSessions: Map<string, AudioSessionEntry>;
  discordClients: DiscordClientRegistry;
  outputStats: OutputStats;
  /** Every session's transcript on its way to the edge. */
  transcripts: TranscriptOutbox;
  /** Counts voice events for /metrics (early answers, Discord receive trouble). */
  countEvent?: (event: string) => void;
  /** The edge and the node's token, for NPC tools (`/nodes/tool-tokens`, `/mcp`), and how turns use them. */
  edge: { url: string; nodeToken: string };
  tools: { maxRounds: number; fillerAfterMs: number };
}

/**
 * The real runtime: the session joins its audio transport and runs the voice
 * pipeline until stopped. A session whose transport is lost (Discord gave up
 * rejoining) ends itself as `failed`.
 */
export function createVoiceRuntime(options: VoiceRuntimeOptions): StartRuntime {
  const localVoice = createEspeakTts();
  return async (assignment, { log, send, end }) => {
    const target: TransportTarget = {
      sessionId: assignment.session_id,
      tenantId: assignment.tenant_id,
      guildId: assignment.guild_id,
      channelId: assignment.channel_id,
      log,
    };
    const providers = selectProviders(assignment, options.defaultProviders, localVoice);
    const transport = openTransport(assignment, target, options);
    const reporter = createSessionReporter(assignment.session_id, send, options.transcripts, (entry) => transport.transcript(entry));
    const mixer = createMixer(transport);
    const untrack = options.outputStats.track(mixer);
    let pipeline: ReturnType<typeof createSessionPipeline> | undefined;
    const roster = createNpcRoster(assignment.npcs, {
      speak: (npc, text) => pipeline?.say(npc, text),
      silence: (npc) => pipeline?.silence(npc),
    });
    let listener: ReturnType<typeof listenToSpeakers> | undefined;
    const toolbox = new SessionToolbox({
      tokenUrl: edgeHttpUrl(options.edge.url, '/nodes/tool-tokens'),
      mcpUrl: edgeHttpUrl(options.edge.url, '/mcp'),
      nodeToken: options.edge.nodeToken,
      sessionId: assignment.session_id,
      log,
    });
    toolbox.warm(assignment.npcs);
    pipeline = createSessionPipeline({
      assignment,
      roster,
      mixer,
      providers,
      reporter,
      log,
      count: options.countEvent,
      tools: { belt: (npc) => toolbox.for(npc), ...options.tools },
      heardThrough: (speakerId) => listener?.heardThrough(speakerId) ?? performance.now(),
    });
    listener = listenToSpeakers(transport, options.vad, pipeline, log, { hangoverMs: END_OF_SPEECH_SILENCE_MS });
    transport.onText((speaker, text) => pipeline?.onTypedLine({ id: speaker.id, name: speaker.name ?? speaker.id }, text));

    const close = async () => {
      listener.close();
      pipeline?.close();
      toolbox.close();
      mixer.close();
      untrack();
      const reported = reporter.close();
      options.audioSessions.delete(assignment.session_id);
      await transport.leave();
      // Reported ended only once its transcript is out: the edge takes no lines after that.
      await reported;
    };
    try {
      await transport.join();
    } catch (error) {
      await close();
      throw error;
    }
    transport.onLost((error) => {
      log.error('audio transport lost', { error: errorMessage(error) });
      end('failed', `audio transport lost: ${errorMessage(error)}`);
    });
    log.info('voice session joined', {
      transport: assignment.audio.transport,
      llm: providers.llm?.name ?? null,
      stt: providers.stt?.name ?? null,
      tts: assignment.providers.tts?.kind ?? options.defaultProviders.tts?.kind ?? 'espeak',
      vad: options.vad.kind,
    });

    const runtime: SessionRuntime = {
      command: (command) => roster.command(command),
      // The table hears it from the GM helper if the campaign has one; it is logged either way.
      notice: ({ level, message }) => {
        log.info('session notice', { level, notice: message });
        const helper = roster.npcs().find((npc) => npc.gm_helper && !npc.muted);
        if (helper) pipeline?.say(helper, message);
      },
      replaceNpcs: (npcs) => {
        roster.replace(npcs);
        toolbox.warm(npcs);
        log.info('npc roster replaced', { npcs: npcs.length });
      },
      stop: close,
    };
    return runtime;
  };
}

function openTransport(assignment: StartSession, target: TransportTarget, options: VoiceRuntimeOptions): AudioTransport {
  const { audio } = assignment;
  if (audio.transport === 'discord') {
    return createDiscordTransport({ target, botToken: audio.bot_token, clients: options.discordClients, countEvent: options.countEvent });
  }
  const transport = createWebSocketTransport(target);
  options.audioSessions.set(assignment.session_id, { token: audio.token, transport });
  return transport;
}

/**
 * The tenant's providers where set, else the node's defaults. An NPC whose voice is
 * `espeak`, or any NPC when no TTS is configured, speaks with the local voice.
 */
function selectProviders(assignment: StartSession, defaults: ProviderSettings, localVoice: TtsProvider): PipelineProviders {
  const llm = assignment.providers.llm ?? defaults.llm;
  const stt = assignment.providers.stt ?? defaults.stt;
  const ttsEndpoint = assignment.providers.tts ?? defaults.tts;
  const tts = ttsEndpoint && ttsEndpoint.kind !== 'espeak' ? createTts(ttsEndpoint) : localVoice;
  return {
    llm: llm && createLlm(llm),
    stt: stt && createStt(stt),
    ttsFor: (npc) => (npc.voice.provider === 'espeak' ? localVoice : tts),
    fallbackTts: localVoice,
  };
}
