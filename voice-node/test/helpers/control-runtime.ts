import { createNpcRoster } from '../../src/pipeline/npc-roster.ts';
import type { SessionRuntime, StartRuntime } from '../../src/session-runtime.ts';

/** NPC state and commands only, no audio: the registry's tests need a runtime, not a voice. */
export const startControlRuntime: StartRuntime = async (assignment, { log }) => {
  const roster = createNpcRoster(assignment.npcs, {
    speak: (npc, text) => log.info('npc would speak', { npc: npc.name, chars: text.length }),
    silence: () => {},
  });
  const runtime: SessionRuntime = {
    command: (command) => roster.command(command),
    notice: ({ level, message }) => log.info('session notice', { level, notice: message }),
    replaceNpcs: (npcs) => roster.replace(npcs),
    replaceFacts: (facts) => log.info('facts replaced', { entities: facts.entities.length }),
    async stop() {},
  };
  return runtime;
};
