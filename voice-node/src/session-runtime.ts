import type { CampaignFacts, NodeMessage, NpcCommand, NpcDefinition, ReplyOutcome, SessionEndReason, SessionNotice, StartSession } from '@glyphoxa/protocol';
import type { Logger } from '@glyphoxa/protocol';

/**
 * What runs one session. The registry owns lifecycle, capacity and reporting; a
 * runtime owns the session's work: the voice pipeline (pipeline/voice-runtime.ts).
 */
export interface SessionRuntime {
  command(command: NpcCommand): ReplyOutcome | Promise<ReplyOutcome>;
  /** Something the table should hear (e.g. quota nearly used up). */
  notice(notice: SessionNotice): void;
  /** The campaign's NPCs as the DM changed them: they apply from the next turn. */
  replaceNpcs(npcs: readonly NpcDefinition[]): void;
  /** The campaign's entities and relationships as the DM changed them: NPCs use them from their next turn. */
  replaceFacts(facts: Pick<CampaignFacts, 'entities' | 'relationships'>): void;
  stop(reason: SessionEndReason): Promise<void>;
}

/** What a runtime gets besides its assignment. */
export interface RuntimeContext {
  log: Logger;
  /** Reports to the edge (transcripts, usage, turn timings). */
  send: (message: NodeMessage) => void;
  /** The session cannot go on (e.g. its audio transport is gone): stops it and reports it ended. */
  end: (reason: SessionEndReason, detail?: string) => void;
}

/** Starts a runtime for an assignment; rejecting means the session failed to start. */
export type StartRuntime = (assignment: StartSession, context: RuntimeContext) => Promise<SessionRuntime>;
