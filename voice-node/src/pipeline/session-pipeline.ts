import { errorMessage, MAX_TEXT_LENGTH, type CampaignFacts, type Logger, type NpcDefinition, type StartSession, type TranscriptEntry } from '@glyphoxa/protocol';
import type { LlmProvider, LlmToolCall, SttProvider, TtsProvider } from '@glyphoxa/providers';
import type { NpcToolbelt, ToolOutcome } from '../npc-tools/npc-toolbelt.ts';
import type { Mixer } from '../audio/mixer.ts';
import { detectAddressee } from './addressee.ts';
import { Answer } from './answer.ts';
import { createConversationTracker } from './conversation-tracker.ts';
import type { HeardUtterance, Speaker } from './listener.ts';
import type { NpcRoster } from './npc-roster.ts';
import { runNpcTurn, type TurnResult, type TurnScript } from './npc-turn.ts';
import { PlayerTurn, type TurnWords } from './player-turn.ts';
import type { TurnTools } from './tool-rounds.ts';
import type { SessionReporter } from './session-reporter.ts';
import { parseSpokenCommand } from './spoken-commands.ts';
import { assessTurn, PREPARE_CONFIDENCE, PREPARE_WHILE_SPEAKING, sameWords } from './turn-completion.ts';
import { buildTurnRequest, createConversationMemory } from './turn-context.ts';

/**
 * Silence that ends an utterance (the VAD's hangover): one stretch of speech, recognized
 * as one. Short pauses stay inside it; longer ones end it, and the turn goes on across them.
 */
export const END_OF_SPEECH_SILENCE_MS = 128;

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

/** The NPCs' tools at the edge, and how a turn may use them (tool-rounds.ts). */
export interface PipelineTools {
  belt(npc: NpcDefinition): Pick<NpcToolbelt, 'offer' | 'call' | 'mcpName'>;
  maxRounds: number;
  fillerAfterMs: number;
}

/** Answers started on a partial transcript: how many, and how many were dropped unheard. */
export type TurnEvent = 'early_answer_started' | 'early_answer_wasted';

export interface SessionPipelineOptions {
  assignment: StartSession;
  roster: NpcRoster;
  mixer: Mixer;
  providers: PipelineProviders;
  reporter: SessionReporter;
  log: Logger;
  count?: (event: TurnEvent) => void;
  /** Without: NPCs answer from their context alone, whatever their `tools`. */
  tools?: PipelineTools;
  /** Up to when (performance.now()) the VAD has heard a speaker (listener.ts); holds wait for it. */
  heardThrough?: (speakerId: string) => number;
}

/** A player's turn in progress and the answers it has under way (none, one, later several NPCs). */
interface OpenTurn {
  turn: PlayerTurn;
  answers: Answer[];
  /** Closes an unanswered turn once its hold has passed in silence. */
  settleTimer?: ReturnType<typeof setTimeout>;
}

/**
 * The conversation of one session. Each player's turn is heard as they speak
 * (player-turn.ts); when their voice pauses, the NPC they address starts answering
 * on the words so far, but is only heard once the final transcript agrees and the
 * silence has lasted as long as the words warrant (turn-completion.ts). If they go
 * on, or the final says something else, the early answer is dropped unheard and,
 * where needed, started again. DM spoken commands act on final words; players
 * talking over an NPC cut it off (barge-in).
 */
export function createSessionPipeline(options: SessionPipelineOptions) {
  const { assignment, roster, mixer, providers, reporter, log } = options;
  const count = options.count ?? (() => {});
  const heardThrough = options.heardThrough ?? (() => performance.now());
  const memory = createConversationMemory();
  /** The campaign's facts: the assignment's, until the DM changes them (`replaceFacts`). */
  let facts: Pick<CampaignFacts, 'entities' | 'relationships'> = { entities: assignment.entities, relationships: assignment.relationships ?? [] };
  const tracker = createConversationTracker();
  const open = new Map<string, OpenTurn>();
  const turns = new Set<AbortController>();
  let sttMissingLogged = false;
  let closed = false;
  /** Mixer utterances whose audio is going out now: speech over them is barge-in. */
  const audible = new Set<number>();
  const offMixer = mixer.onEvent((event) => {
    if (event.type === 'npc-start') audible.add(event.utterance);
    else audible.delete(event.utterance);
  });

  // Each line its own millisecond: the edge tells lines apart by time and speaker, and an NPC's tool events come in bursts.
  let lastStamp = 0;
  const stamp = () => new Date((lastStamp = Math.max(Date.now(), lastStamp + 1))).toISOString();

  const record = (entry: Omit<TranscriptEntry, 'at'>) => {
    const line: TranscriptEntry = { ...entry, at: stamp() };
    memory.add(line);
    reporter.transcript(line);
  };

  /** A tool event: the DM's transcript only, not what the NPCs remember as said (the turn's request holds the result). */
  const recordTool = (npc: NpcDefinition, call: LlmToolCall, outcome: ToolOutcome) => {
    // Every call run counts, a failed one too: it went to the edge (and perhaps a tenant's server).
    reporter.usage({ toolCalls: 1 });
    const args = JSON.stringify(call.arguments);
    const text = `${call.name} ${args}: ${outcome.isError ? 'failed: ' : ''}${outcome.content}`;
    reporter.transcript({
      speaker_id: npc.id,
      speaker_name: npc.name,
      npc: true,
      text: text.slice(0, MAX_TEXT_LENGTH),
      at: stamp(),
      tool: { name: call.name, arguments: args.slice(0, MAX_TEXT_LENGTH), result: outcome.content.slice(0, MAX_TEXT_LENGTH), error: outcome.isError },
    });
  };

  const turnTools = (npc: NpcDefinition, ready: Promise<void> | undefined): TurnTools | undefined => {
    if (!options.tools || npc.tools.length === 0) return undefined;
    const { maxRounds, fillerAfterMs } = options.tools;
    const belt = options.tools.belt(npc);
    return { offer: () => belt.offer(npc.tools), run: (call, signal) => belt.call(call, signal), maxRounds, fillerAfterMs, onCall: (call, outcome) => recordTool(npc, { ...call, name: belt.mcpName(call.name) }, outcome), ready };
  };

  /** Cuts every NPC (or one) off: their playback and their turns in flight. */
  const silence = (npc?: NpcDefinition) => {
    mixer.stop(npc?.name);
    if (!npc) for (const turn of turns) turn.abort();
  };

  /** Runs one NPC turn and reports it; `answering` times it from the player's last sound. */
  const speak = async (npc: NpcDefinition, script: TurnScript, controller: AbortController, answering?: { open: OpenTurn; answer: Answer }) => {
    turns.add(controller);
    const began = performance.now();
    const offAudible = answering
      ? mixer.onEvent((e) => e.type === 'npc-start' && e.npc === npc.name && !controller.signal.aborted && heard(answering.open, answering.answer))
      : () => {};
    let result: TurnResult | undefined;
    try {
      result = await runNpcTurn({ npc, script, tts: providers.ttsFor(npc), mixer, signal: controller.signal, release: answering?.answer.release });
    } catch (error) {
      log.warn('npc turn failed', { npc: npc.name, error: errorMessage(error) });
      // An answer prepared early apologizes only once it would have been heard: not over a player still talking.
      if (!controller.signal.aborted) await apologize(npc, controller, answering?.answer.release);
    } finally {
      offAudible();
      turns.delete(controller);
    }
    if (answering && !answering.answer.heard) {
      if (answering.answer.early) count('early_answer_wasted');
      // Confirmed but silent (an empty reply): the turn is over all the same.
      if (!controller.signal.aborted && open.get(answering.open.turn.speaker.id) === answering.open) close(answering.open);
    }
    if (!result) return;
    reporter.usage({ llmTokens: result.llmTokens, ttsChars: result.ttsChars });
    // An answer dropped before it was heard was never said.
    if (result.spoken.length > 0 && result.marks.firstAudio !== undefined) record({ speaker_id: npc.id, speaker_name: npc.name, npc: true, text: result.spoken.join(' ') });
    const { llmFirstToken, ttsFirstByte, firstAudio } = result.marks;
    const { turn } = answering?.open ?? {};
    if (turn?.finalAt !== undefined && llmFirstToken !== undefined && ttsFirstByte !== undefined && firstAudio !== undefined) {
      const offset = began - turn.lastSoundAt;
      const timings = {
        stt_final_ms: round(turn.finalAt - turn.lastSoundAt),
        llm_first_token_ms: round(offset + llmFirstToken),
        tts_first_byte_ms: round(offset + ttsFirstByte),
        first_audio_ms: round(offset + firstAudio),
      };
      log.info('npc turn', { npc: npc.name, completed: result.completed, prepared_early: answering!.answer.early, ...timings });
      reporter.turn(npc.name, timings, answering!.answer.early);
    }
    if (answering && !controller.signal.aborted) tracker.spokeWith(answering.open.turn.speaker.id, npc.id, Date.now());
  };

  const apologize = async (npc: NpcDefinition, controller: AbortController, release?: Promise<void>) => {
    for (const tts of new Set([providers.ttsFor(npc), providers.fallbackTts])) {
      try {
        const result = await runNpcTurn({ npc, script: { kind: 'verbatim', text: APOLOGY }, tts, mixer, signal: controller.signal, release });
        // Dropped before it was heard (the player went on): nothing was said.
        if (result.marks.firstAudio === undefined) return;
        record({ speaker_id: npc.id, speaker_name: npc.name, npc: true, text: APOLOGY });
        return;
      } catch (error) {
        log.warn('apology failed', { npc: npc.name, tts: tts.name, error: errorMessage(error) });
      }
    }
  };


  /** The turn is over: its words go into the transcript once, and nothing more of it is recognized. */
  const close = (entry: OpenTurn) => {
    clearTimeout(entry.settleTimer);
    entry.turn.close();
    const { speaker, text } = entry.turn;
    if (open.get(speaker.id) === entry) open.delete(speaker.id);
    if (text.trim()) record({ speaker_id: speaker.id, speaker_name: speaker.name, text: text.trim() });
  };

  /** An answer's first audio went out: the turn it answers is over. */
  const heard = (entry: OpenTurn, answer: Answer) => {
    if (answer.heard) return;
    answer.heard = true;
    if (open.get(entry.turn.speaker.id) === entry) close(entry);
  };

  /** Drops the answers not yet heard: the player went on, or the words changed. */
  const dropAnswers = (entry: OpenTurn, keep: (answer: Answer) => boolean = () => false) => {
    entry.answers = entry.answers.filter((answer) => {
      if (answer.heard || keep(answer)) return true;
      answer.drop();
      return false;
    });
  };

  /** The turn's words changed at a moment that matters: prepare, confirm, move or drop its answers. */
  const consider = (entry: OpenTurn, { text, final, speaking = false }: TurnWords) => {
    if (closed || open.get(entry.turn.speaker.id) !== entry) return;
    const { speaker } = entry.turn;
    if (final && text && obey(speaker, text)) {
      dropAnswers(entry);
      close(entry);
      return;
    }
    const now = Date.now();
    const decision = text
      ? detectAddressee({ text, speakerId: speaker.id, npcs: roster.npcs(), lastExchange: tracker.lastExchange(speaker.id), dmUserId: assignment.started_by, nowMs: now })
      : undefined;
    const assessment = assessTurn({ text, pitchRise: entry.turn.pitchRise });
    if (final && decision) {
      log.debug('addressee', { speaker_id: speaker.id, reason: decision.reason, detail: decision.detail, confidence: assessment.confidence });
      tracker.observe(speaker.id, decision, now);
    }
    // Several NPCs may answer one turn in time; today the addressee is one at most.
    const responders = decision?.npc && providers.llm ? [decision.npc] : [];
    if (decision?.npc && !providers.llm) log.warn('no language model provider: NPCs cannot answer');
    // Words that sound unfinished are not answered yet, final or not: only if the silence outlasts their hold.
    // While the player still talks, only a finished sentence is worth starting on (its audio waits for the pause).
    const sure = assessment.confidence >= (speaking ? PREPARE_WHILE_SPEAKING : PREPARE_CONFIDENCE);
    dropAnswers(entry, (answer) => sure && responders.includes(answer.npc) && sameWords(answer.basis, text));
    const holdUntil = entry.turn.lastSoundAt + assessment.holdMs;
    if (sure) {
      for (const npc of responders) {
        if (!entry.answers.some((answer) => answer.npc === npc)) answer(entry, npc, text, !final);
      }
    }
    // Their last sound is only known once they pause.
    if (speaking) return;
    for (const answer of entry.answers) {
      answer.holdTill(holdUntil);
      if (final) answer.confirm();
    }
    clearTimeout(entry.settleTimer);
    if (!final || entry.answers.length > 0) return;
    // The silence lasted the hold (as heard: a lagging VAD may yet hear them go on): the player
    // is done after all. Answer them, or let the words stand.
    const settle = () => {
      const wait = holdUntil - heardThrough(speaker.id);
      if (wait > 0) return void (entry.settleTimer = setTimeout(settle, wait));
      if (responders.length === 0) return close(entry);
      for (const npc of responders) answer(entry, npc, text, false).confirm();
    };
    entry.settleTimer = setTimeout(settle, Math.max(0, holdUntil - performance.now()));
  };

  const answer = (entry: OpenTurn, npc: NpcDefinition, text: string, early: boolean): Answer => {
    const { speaker } = entry.turn;
    const started = new Answer(npc, text, early, () => heardThrough(speaker.id));
    entry.answers.push(started);
    if (early) count('early_answer_started');
    void speak(npc, reply(npc, speaker, text, started.release), started.controller, { open: entry, answer: started }).catch((error) =>
      log.error('answer failed', { error: errorMessage(error) }),
    );
    return started;
  };

  const reply = (npc: NpcDefinition, speaker: Speaker, text: string, release?: Promise<void>): TurnScript => ({
    kind: 'reply',
    llm: providers.llm!,
    tools: turnTools(npc, release),
    request: buildTurnRequest({
      npc,
      entities: facts.entities,
      relationships: facts.relationships,
      memory,
      dmUserId: assignment.started_by,
      heard: { speaker_id: speaker.id, speaker_name: speaker.name, text, at: new Date().toISOString() },
    }),
  });

  /** A spoken command from the DM, acted on instead of answered; false when `text` is none. */
  const obey = (speaker: Speaker, text: string): boolean => {
    const command = parseSpokenCommand({ text, speakerId: speaker.id, dmUserId: assignment.started_by, npcs: roster.npcs() });
    if (!command) return false;
    const outcome = roster.command({ type: 'npc_command', request_id: 'spoken', session_id: assignment.session_id, ...command });
    log.info('spoken command', { action: command.action, ok: outcome.ok });
    return true;
  };

  /** Someone's voice is (back) on: a turn in progress goes on; otherwise a new one starts, cutting any NPC off. */
  const goOn = (speaker: Speaker): OpenTurn | undefined => {
    const entry = open.get(speaker.id);
    if (entry) {
      clearTimeout(entry.settleTimer);
      dropAnswers(entry);
      return entry;
    }
    if (audible.size > 0) {
      log.info('barge-in', { speaker_id: speaker.id });
      silence();
    }
    if (!providers.stt) {
      if (!sttMissingLogged) log.warn('no speech-to-text provider: the session cannot hear players');
      sttMissingLogged = true;
      return undefined;
    }
    // An answer may follow: have its providers' connections open by then.
    providers.llm?.warm?.();
    for (const tts of new Set(roster.npcs().map((npc) => providers.ttsFor(npc)))) tts.warm?.();
    const created: OpenTurn = { answers: [], turn: undefined! };
    created.turn = new PlayerTurn(speaker, providers.stt, { words: (_, words) => consider(created, words), sttSeconds: (sttSeconds) => reporter.usage({ sttSeconds }) }, log);
    open.set(speaker.id, created);
    return created;
  };

  return {
    onSpeechStart(speaker: Speaker, samples: Int16Array) {
      if (closed) return;
      goOn(speaker)?.turn.start(samples);
    },
    onSpeechAudio(speaker: Speaker, samples: Int16Array) {
      open.get(speaker.id)?.turn.audio(samples);
    },
    onSpeechPause(speaker: Speaker, endedAt: number) {
      open.get(speaker.id)?.turn.pause(endedAt);
    },
    onSpeechResume(speaker: Speaker) {
      if (closed) return;
      const entry = goOn(speaker);
      // Their turn was answered while they paused: what they say now starts the next one.
      if (entry && !entry.turn.speaking) entry.turn.start(new Int16Array(0));
      else entry?.turn.resume();
    },
    onUtterance({ speaker, endedAt }: HeardUtterance) {
      const entry = open.get(speaker.id);
      if (!entry) return;
      entry.turn.lastSoundAt = endedAt;
      entry.turn.end();
    },

    /**
     * A line the player typed (the browser's text box): a finished turn with no pause to
     * wait out, so the addressed NPC answers at once. It ends what they were saying, and
     * cuts off an NPC talking, as speaking up would.
     */
    onTypedLine(speaker: Speaker, text: string) {
      if (closed) return;
      const entry = open.get(speaker.id);
      if (entry) {
        dropAnswers(entry);
        close(entry);
      }
      if (audible.size > 0) silence();
      record({ speaker_id: speaker.id, speaker_name: speaker.name, text });
      if (obey(speaker, text)) return;
      const now = Date.now();
      const decision = detectAddressee({ text, speakerId: speaker.id, npcs: roster.npcs(), lastExchange: tracker.lastExchange(speaker.id), dmUserId: assignment.started_by, nowMs: now });
      tracker.observe(speaker.id, decision, now);
      if (!decision.npc) return;
      if (!providers.llm) return log.warn('no language model provider: NPCs cannot answer');
      const npc = decision.npc;
      const controller = new AbortController();
      void speak(npc, reply(npc, speaker, text), controller)
        .then(() => controller.signal.aborted || tracker.spokeWith(speaker.id, npc.id, Date.now()))
        .catch((error) => log.error('answer failed', { error: errorMessage(error) }));
    },

    /** The roster's effects: `/npc speak`, recaps, and mutes cutting playback. */
    say(npc: NpcDefinition, text: string) {
      void speak(npc, { kind: 'verbatim', text }, new AbortController());
    },
    silence,

    /** The campaign's facts as the DM changed them: turns built from now on use them. */
    replaceFacts(next: Pick<CampaignFacts, 'entities' | 'relationships'>) {
      facts = { entities: next.entities, relationships: next.relationships ?? [] };
    },

    close() {
      closed = true;
      for (const entry of open.values()) {
        dropAnswers(entry);
        clearTimeout(entry.settleTimer);
        entry.turn.close();
      }
      open.clear();
      silence();
      offMixer();
    },
  };
}

export type SessionPipeline = ReturnType<typeof createSessionPipeline>;

const round = (ms: number) => Math.max(0, Math.round(ms));
