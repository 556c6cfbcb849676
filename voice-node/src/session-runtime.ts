import type { NodeMessage, NpcCommand, ReplyOutcome, SessionEndReason, SessionNotice, StartSession } from '@glyphoxa/protocol';
import type { Logger } from '@glyphoxa/protocol';

/**
 * What runs one session. The registry owns lifecycle, capacity and reporting; a
 * runtime owns the session's work. Today's runtime keeps NPC state only (control);
 * the audio pipeline (Discord voice, VAD -> STT -> LLM -> TTS) plugs in here later.
 */
export interface SessionRuntime {
  command(command: NpcCommand): ReplyOutcome | Promise<ReplyOutcome>;
  /** Something the table should hear (e.g. quota nearly used up); the pipeline will voice it. */
  notice(notice: SessionNotice): void;
  stop(reason: SessionEndReason): Promise<void>;
}

/** What a runtime gets besides its assignment. */
export interface RuntimeContext {
  log: Logger;
  /** Reports to the edge (transcripts, usage, turn timings). */
  send: (message: NodeMessage) => void;
}

/** Starts a runtime for an assignment; rejecting means the session failed to start. */
export type StartRuntime = (assignment: StartSession, context: RuntimeContext) => Promise<SessionRuntime>;
