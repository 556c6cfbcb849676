import type { NpcCommand, NpcDefinition, NpcListData, NpcSpeakData, ReplyOutcome } from '@glyphoxa/protocol';

/** What a roster asks of the pipeline when a command needs audio. */
export interface RosterEffects {
  /** `speak`: say `text` verbatim in the NPC's voice. */
  speak(npc: NpcDefinition, text: string): void;
  /** The NPC was muted (or all were, when `npc` is undefined): cut what it is saying. */
  silence(npc?: NpcDefinition): void;
}

/**
 * A session's NPCs and their muted flags: the one place `npc_command`s (from the
 * edge or spoken by the DM) change them.
 */
export function createNpcRoster(definitions: readonly NpcDefinition[], effects: RosterEffects) {
  const npcs = definitions.map((npc) => ({ ...npc }));
  /** Each NPC's muted flag as the edge last sent it, to tell a DM's new default from a mute by command. */
  let sentMuted = new Map(definitions.map((npc) => [npc.id, npc.muted]));

  /** DMs type names loosely: match case-insensitively on the name or any alias. */
  const find = (name: string): NpcDefinition | undefined => {
    const wanted = name.trim().toLowerCase();
    return npcs.find((npc) => [npc.name, ...npc.aliases].some((candidate) => candidate.toLowerCase() === wanted));
  };

  const setMuted = (targets: NpcDefinition[], muted: boolean) => {
    for (const npc of targets) npc.muted = muted;
    if (muted) effects.silence(targets.length === 1 ? targets[0] : undefined);
  };

  return {
    /** The live definitions (muted flags change in place). */
    npcs: (): readonly NpcDefinition[] => npcs,
    find,

    /**
     * The campaign's NPCs as the edge now sends them: from the next turn on they
     * speak with these voices and personalities. A muted flag set by command stays
     * unless the edge's default for that NPC changed; an NPC newly muted is cut off.
     */
    replace(next: readonly NpcDefinition[]): void {
      const liveMuted = new Map(npcs.map((npc) => [npc.id, npc.muted]));
      const replaced = next.map((npc) => {
        const live = liveMuted.get(npc.id);
        return { ...npc, muted: live !== undefined && sentMuted.get(npc.id) === npc.muted ? live : npc.muted };
      });
      sentMuted = new Map(next.map((npc) => [npc.id, npc.muted]));
      npcs.splice(0, npcs.length, ...replaced);
      for (const npc of npcs) if (npc.muted && liveMuted.get(npc.id) === false) effects.silence(npc);
    },

    command(command: NpcCommand): ReplyOutcome {
      switch (command.action) {
        case 'list': {
          const data: NpcListData = { npcs: npcs.map(({ name, muted }) => ({ name, muted })) };
          return { ok: true, data };
        }
        case 'muteall':
        case 'unmuteall':
          setMuted(npcs, command.action === 'muteall');
          return { ok: true };
        case 'mute':
        case 'unmute': {
          const npc = find(command.name);
          if (!npc) return notFound(command.name);
          setMuted([npc], command.action === 'mute');
          return { ok: true };
        }
        case 'speak': {
          const npc = find(command.name);
          if (!npc) return notFound(command.name);
          if (npc.muted) return { ok: false, error: { code: 'npc_muted', message: `${npc.name} is muted` } };
          effects.speak(npc, command.text);
          const data: NpcSpeakData = { queued: true };
          return { ok: true, data };
        }
      }
    },
  };
}

export type NpcRoster = ReturnType<typeof createNpcRoster>;

function notFound(name: string): ReplyOutcome {
  return { ok: false, error: { code: 'npc_not_found', message: `No NPC named "${name}" in this session` } };
}
