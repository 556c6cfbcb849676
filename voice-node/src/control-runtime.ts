import { createNpcRoster } from './pipeline/npc-roster.ts';
import type { SessionRuntime, StartRuntime } from './session-runtime.ts';

/** NPC state and commands only, no audio: for a node started with `--audio=off`. */
export const startControlRuntime: StartRuntime = async (assignment, { log }) => {
  const roster = createNpcRoster(assignment.npcs, {
    speak: (npc, text) => log.info('npc would speak', { npc: npc.name, chars: text.length }),
    silence: () => {},
  });
  const runtime: SessionRuntime = {
    command: (command) => roster.command(command),
    notice: ({ level, message }) => log.info('session notice', { level, notice: message }),
    async stop() {},
  };
  return runtime;
};
