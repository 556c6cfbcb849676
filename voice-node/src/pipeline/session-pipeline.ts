import { errorMessage, type Logger, type NpcDefinition, type StartSession, type TranscriptEntry } from '@glyphoxa/protocol';
import type { LlmProvider, SttProvider, TtsProvider } from '@glyphoxa/providers';
import type { Mixer } from '../audio/mixer.ts';
import { detectAddressee } from './addressee.ts';
import { createConversationTracker } from './conversation-tracker.ts';
import type { HeardUtterance, Speaker } from './listener.ts';
import type { NpcRoster } from './npc-roster.ts';
import { runNpcTurn, type TurnResult, type TurnScript } from './npc-turn.ts';
import type { SessionReporter } from './session-reporter.ts';
import { parseSpokenCommand } from './spoken-commands.ts';
import { buildTurnRequest, createConversationMemory } from './turn-context.ts';

/**
 * Silence that ends an utterance. Short, so answers start early: a longer pause is
 * caught by the merge below rather than by waiting on every turn.
 */
export const END_OF_SPEECH_SILENCE_MS = 128;

/**
 * Speech that resumes this soon after an utterance ended continues it: the
 * utterance's turn, started speculatively the moment the speech paused, is
 * cancelled and the two are heard as one. Its audio is held until the window
 * has passed, so an NPC never answers into a pause (with real providers the
 * answer takes longer than this anyway).
 */
export const MERGE_WINDOW_MS = 600;

/** What the table hears when a provider fails mid-turn. */
const APOLOGY = 'Forgive me, my thoughts wandered. Could you say that again?';

export interface PipelineProviders {
  llm?: LlmProvider;
  stt?: SttProvider;
  /** The voice an NPC speaks with (its `voice.provider`). */
  ttsFor(npc: NpcDefinition): TtsProvider;
  /** The keyless local voice: speaks apologies when the NPC's own TTS is what failed. */
  fallbackTts: TtsProvider;
}

export interface SessionPipelineOptions {
  assignment: StartSession;
  roster: NpcRoster;
  mixer: Mixer;
  providers: PipelineProviders;
  reporter: SessionReporter;
  log: Logger;
}

/** One speaker's utterance in flight: heard, being understood and answered, not yet final. */
interface Pending {
  samples: Int16Array[];
  /** When the speech ended, and when the VAD knew it: stage timings count from the latter. */
  endedAt: number;
  detectedAt: number;
  controller: AbortController;
  confirmTimer?: ReturnType<typeof setTimeout>;
  /** No longer open to merging: the silence lasted, or the answer is being heard. */
  final: boolean;
  text?: string;
  recorded: boolean;
}

/**
 * The conversation of one session: what each player says is transcribed, checked
 * for the DM's spoken commands, given to the NPC it is meant for, and answered in
 * that NPC's voice. Players talking over an NPC cut it off (barge-in).
 */
export function createSessionPipeline(options: SessionPipelineOptions) {
  const { assignment, roster, mixer, providers, reporter, log } = options;
  const memory = createConversationMemory();
  const tracker = createConversationTracker();
  const pending = new Map<string, Pending>();
  const turns = new Set<AbortController>();
  let sttMissingLogged = false;
  let closed = false;
  /** Mixer utterances whose audio is going out now: speech over them is barge-in. */
  const audible = new Set<number>();
  const offMixer = mixer.onEvent((event) => {
    if (event.type === 'npc-start') audible.add(event.utterance);
    else audible.delete(event.utterance);
  });

  const record = (entry: Omit<TranscriptEntry, 'at'>) => {
    const line: TranscriptEntry = { ...entry, at: new Date().toISOString() };
    memory.add(line);
    reporter.transcript(line);
  };

  /** Cuts every NPC (or one) off: their playback and their turns in flight. */
  const silence = (npc?: NpcDefinition) => {
    mixer.stop(npc?.name);
    if (!npc) for (const turn of turns) turn.abort();
  };

  /** Runs one NPC turn and reports it; `heard` is the utterance it answers, if any. */
  const speak = async (
    npc: NpcDefinition,
    script: TurnScript,
    controller: AbortController,
    heard?: Pick<Pending, 'endedAt' | 'detectedAt'> & { holdUntil?: number },
    sttMs?: number,
    onAudible?: () => void,
  ) => {
    turns.add(controller);
    const began = performance.now();
    const offAudible = onAudible ? mixer.onEvent((e) => e.type === 'npc-start' && e.npc === npc.name && onAudible()) : () => {};
    let result: TurnResult | undefined;
    try {
      result = await runNpcTurn({ npc, script, tts: providers.ttsFor(npc), mixer, signal: controller.signal, holdUntil: heard?.holdUntil });
    } catch (error) {
      log.warn('npc turn failed', { npc: npc.name, error: errorMessage(error) });
      if (!controller.signal.aborted) await apologize(npc, controller);
    } finally {
      offAudible();
      turns.delete(controller);
    }
    if (!result) return;
    reporter.usage({ llmTokens: result.llmTokens, ttsChars: result.ttsChars });
    // A speculative answer cancelled before it was heard was never said.
    if (result.spoken.length > 0 && result.marks.firstAudio !== undefined) record({ speaker_id: npc.id, speaker_name: npc.name, npc: true, text: result.spoken.join(' ') });
    const { llmFirstToken, ttsFirstByte, firstAudio } = result.marks;
    if (heard && sttMs !== undefined && llmFirstToken !== undefined && ttsFirstByte !== undefined && firstAudio !== undefined) {
      const offset = began - heard.detectedAt;
      const timings = {
        stt_final_ms: round(sttMs),
        llm_first_token_ms: round(offset + llmFirstToken),
        tts_first_byte_ms: round(offset + ttsFirstByte),
        first_audio_ms: round(offset + firstAudio),
      };
      // The end-of-speech silence the VAD waited out comes before every stage.
      const endOfSpeechWaitMs = round(heard.detectedAt - heard.endedAt);
      log.info('npc turn', { npc: npc.name, completed: result.completed, end_of_speech_wait_ms: endOfSpeechWaitMs, ...timings });
      reporter.turn(npc.name, timings);
    }
  };

  const apologize = async (npc: NpcDefinition, controller: AbortController) => {
    for (const tts of new Set([providers.ttsFor(npc), providers.fallbackTts])) {
      try {
        await runNpcTurn({ npc, script: { kind: 'verbatim', text: APOLOGY }, tts, mixer, signal: controller.signal });
        record({ speaker_id: npc.id, speaker_name: npc.name, npc: true, text: APOLOGY });
        return;
      } catch (error) {
        log.warn('apology failed', { npc: npc.name, tts: tts.name, error: errorMessage(error) });
      }
    }
  };

  /** The utterance stands as heard: it goes into the transcript once its text is known. */
  const settle = (speaker: Speaker, utterance: Pending) => {
    clearTimeout(utterance.confirmTimer);
    utterance.final = true;
    if (pending.get(speaker.id) === utterance) pending.delete(speaker.id);
    if (utterance.text && !utterance.recorded && !utterance.controller.signal.aborted) {
      utterance.recorded = true;
      record({ speaker_id: speaker.id, speaker_name: speaker.name, text: utterance.text });
    }
  };

  /** Transcribes, then acts: a DM command, an NPC's answer, or nothing. */
  const understand = async (speaker: Speaker, utterance: Pending) => {
    const { controller } = utterance;
    if (!providers.stt) {
      if (!sttMissingLogged) log.warn('no speech-to-text provider: the session cannot hear players');
      sttMissingLogged = true;
      return;
    }
    let text: string;
    const sttStarted = performance.now();
    try {
      const stream = providers.stt.open({ signal: controller.signal });
      for (const samples of utterance.samples) stream.write(samples);
      const heard = await stream.finish();
      text = heard.text.trim();
      reporter.usage({ sttSeconds: heard.seconds });
    } catch (error) {
      if (!controller.signal.aborted) log.warn('speech-to-text failed', { speaker_id: speaker.id, error: errorMessage(error) });
      return;
    }
    if (controller.signal.aborted || !text) return;
    utterance.text = text;
    if (utterance.final) settle(speaker, utterance);
    const sttMs = performance.now() - utterance.detectedAt;

    const command = parseSpokenCommand({ text, speakerId: speaker.id, dmUserId: assignment.started_by, npcs: roster.npcs() });
    if (command) {
      settle(speaker, utterance);
      const outcome = roster.command({ type: 'npc_command', request_id: 'spoken', session_id: assignment.session_id, ...command });
      log.info('spoken command', { action: command.action, ok: outcome.ok });
      return;
    }

    const now = Date.now();
    const decision = detectAddressee({
      text,
      speakerId: speaker.id,
      npcs: roster.npcs(),
      lastExchange: tracker.lastExchange(speaker.id),
      dmUserId: assignment.started_by,
      nowMs: now,
    });
    log.debug('addressee', { speaker_id: speaker.id, reason: decision.reason, detail: decision.detail, seconds: utterance.samples.reduce((n, s) => n + s.length, 0) / 16_000 });
    tracker.observe(speaker.id, decision, now);
    const npc = decision.npc;
    if (!npc) return;
    if (!providers.llm) {
      log.warn('no language model provider: NPCs cannot answer');
      return;
    }
    const request = buildTurnRequest({
      npc,
      entities: assignment.entities,
      memory,
      dmUserId: assignment.started_by,
      heard: { speaker_id: speaker.id, speaker_name: speaker.name, text, at: new Date().toISOString() },
    });
    const heardAs = { ...utterance, holdUntil: utterance.detectedAt + MERGE_WINDOW_MS };
    await speak(npc, { kind: 'reply', request, llm: providers.llm }, controller, heardAs, sttMs, () => {
      // The answer is being heard: the utterance is final.
      settle(speaker, utterance);
    });
    if (!controller.signal.aborted) tracker.spokeWith(speaker.id, npc.id, Date.now());
  };

  return {
    /** Someone started talking. */
    onSpeechStart(speaker: Speaker) {
      if (closed) return;
      // Only utterances still open to merging are pending; a settled one has left the map.
      const open = pending.get(speaker.id);
      if (open) {
        // They paused, not finished: drop the speculative answer and keep listening.
        open.controller.abort();
        clearTimeout(open.confirmTimer);
      } else if (audible.size > 0) {
        log.info('barge-in', { speaker_id: speaker.id });
        silence();
      }
    },

    /** An utterance ended: answer it at once, speculatively until MERGE_WINDOW_MS passes in silence. */
    onUtterance({ speaker, samples, endedAt, detectedAt }: HeardUtterance) {
      if (closed) return;
      const open = pending.get(speaker.id);
      const utterance: Pending = {
        samples: open ? [...open.samples, samples] : [samples],
        endedAt,
        detectedAt,
        controller: new AbortController(),
        final: false,
        recorded: false,
      };
      if (open) {
        open.controller.abort();
        clearTimeout(open.confirmTimer);
      }
      pending.set(speaker.id, utterance);
      utterance.confirmTimer = setTimeout(() => settle(speaker, utterance), MERGE_WINDOW_MS);
      void understand(speaker, utterance).catch((error) => log.error('utterance failed', { error: errorMessage(error) }));
    },

    /** The roster's effects: `/npc speak`, recaps, and mutes cutting playback. */
    say(npc: NpcDefinition, text: string) {
      void speak(npc, { kind: 'verbatim', text }, new AbortController());
    },
    silence,

    close() {
      closed = true;
      for (const utterance of pending.values()) {
        utterance.controller.abort();
        clearTimeout(utterance.confirmTimer);
      }
      pending.clear();
      silence();
      offMixer();
    },
  };
}

export type SessionPipeline = ReturnType<typeof createSessionPipeline>;

const round = (ms: number) => Math.max(0, Math.round(ms));
