import type { AddresseeDecision, Exchange } from './addressee.ts';

/**
 * Who each speaker is talking with, for addressee detection's continuation rule:
 * per speaker, the NPC of the last exchange and when it happened.
 */
export function createConversationTracker() {
  const exchanges = new Map<string, Exchange>();

  return {
    lastExchange: (speakerId: string): Exchange | undefined => exchanges.get(speakerId),

    /** An utterance was decided: an answering NPC is now the speaker's partner; table talk ends the conversation. */
    observe(speakerId: string, decision: AddresseeDecision, atMs: number): void {
      if (decision.npc) exchanges.set(speakerId, { npcId: decision.npc.id, atMs });
      else if (decision.reason === 'table') exchanges.delete(speakerId);
    },

    /** The NPC finished answering the speaker: the window runs from here, so a long reply does not use it up. */
    spokeWith(speakerId: string, npcId: string, atMs: number): void {
      exchanges.set(speakerId, { npcId, atMs });
    },
  };
}

export type ConversationTracker = ReturnType<typeof createConversationTracker>;
