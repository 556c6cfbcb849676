import type { NpcCommand, NpcDefinition, NpcListData, NpcSpeakData, ReplyOutcome } from '@glyphoxa/protocol';
import type { SessionRuntime, StartRuntime } from './session-runtime.ts';

/** The session's NPCs and their muted flags; answers every `npc_command` action. */
export const startControlRuntime: StartRuntime = async (assignment, log) => {
  const npcs = assignment.npcs.map((npc) => ({ ...npc }));
  const runtime: SessionRuntime = {
    command: (command) => handle(npcs, command),
    // Without a voice pipeline the notice can only be logged.
    notice: ({ level, message }) => log.info('session notice', { level, notice: message }),
    async stop() {},
  };
  return runtime;
};

function handle(npcs: NpcDefinition[], command: NpcCommand): ReplyOutcome {
  switch (command.action) {
    case 'list': {
      const data: NpcListData = { npcs: npcs.map(({ name, muted }) => ({ name, muted })) };
      return { ok: true, data };
    }
    case 'muteall':
    case 'unmuteall':
      for (const npc of npcs) npc.muted = command.action === 'muteall';
      return { ok: true };
    case 'mute':
    case 'unmute': {
      const npc = findNpc(npcs, command.name);
      if (!npc) return notFound(command.name);
      npc.muted = command.action === 'mute';
      return { ok: true };
    }
    case 'speak': {
      const npc = findNpc(npcs, command.name);
      if (!npc) return notFound(command.name);
      if (npc.muted) return { ok: false, error: { code: 'npc_muted', message: `${npc.name} is muted` } };
      // Queued for the voice pipeline, which arrives with the audio issue.
      const data: NpcSpeakData = { queued: true };
      return { ok: true, data };
    }
  }
}

/** DMs type names loosely: match case-insensitively on the name or any alias. */
function findNpc(npcs: NpcDefinition[], name: string): NpcDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return npcs.find((npc) => [npc.name, ...npc.aliases].some((candidate) => candidate.toLowerCase() === wanted));
}

function notFound(name: string): ReplyOutcome {
  return { ok: false, error: { code: 'npc_not_found', message: `No NPC named "${name}" in this session` } };
}
