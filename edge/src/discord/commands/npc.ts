import { NpcListDataSchema, type NpcCommand } from '@glyphoxa/protocol';
import * as v from 'valibot';
import type { Outcome } from '../../durable/outcome.ts';
import { OptionType } from '../api-constants.ts';
import { defer, dmOnly, type CommandContext, type Handler, type SlashCommand } from '../command.ts';
import { autocompletedName, MAX_CHOICES, subcommand } from '../definitions.ts';
import { auditDiscord, guildSession, NO_SESSION } from '../guild-session.ts';
import { stringOption } from '../options.ts';

const nameOption = autocompletedName('The NPC');

const definition: SlashCommand['definition'] = {
  name: 'npc',
  description: "Control the running session's NPCs",
  options: [
    subcommand('list', "The session's NPCs and whether they are muted"),
    subcommand('mute', 'Silence an NPC', [nameOption]),
    subcommand('unmute', 'Let an NPC speak again', [nameOption]),
    subcommand('speak', 'Have an NPC say something, in its own voice', [
      nameOption,
      { type: OptionType.String, name: 'text', description: 'What the NPC says', required: true, max_length: 2000 },
    ]),
    subcommand('muteall', 'Silence every NPC'),
    subcommand('unmuteall', 'Let every NPC speak again'),
  ],
};

/** One action with exactly its fields (Omit over the union itself would merge them). */
type NpcRequest = NpcCommand extends infer C ? (C extends NpcCommand ? Omit<C, 'type' | 'request_id' | 'session_id'> : never) : never;

/** Sends the command to the node running this server's session; the answer, or why there is none. */
async function relay(ctx: CommandContext, command: NpcRequest, describe: (data: unknown) => string): Promise<string> {
  const session = await guildSession(ctx);
  if (!session) return NO_SESSION;
  // RPC wraps the result type so that `ok` no longer narrows it; it is the coordinator's Outcome.
  const outcome = (await ctx.coordinator.npcCommand(session.id, command)) as Outcome<unknown>;
  if (!outcome.ok) return outcome.message;
  if (command.action !== 'list') await auditDiscord(ctx, `npc.${command.action}`, session.id);
  return describe(outcome.value);
}

const list: Handler = (ctx) =>
  defer(() =>
    relay(ctx, { action: 'list' }, (data) => {
      const parsed = v.safeParse(NpcListDataSchema, data);
      if (!parsed.success) return 'The voice node answered with something unreadable; try again.';
      const { npcs } = parsed.output;
      if (npcs.length === 0) return 'This session has no NPCs.';
      return ['NPCs in this session:', ...npcs.map((n) => `• ${n.name}${n.muted ? ' (muted)' : ''}`)].join('\n');
    }),
  );

/** mute/unmute: the named NPC. */
const toggle = (action: 'mute' | 'unmute'): Handler => (ctx, options) => {
  const name = stringOption(options, 'name') ?? '';
  return defer(() => relay(ctx, { action, name }, () => `${name} is ${action === 'mute' ? 'muted' : 'unmuted'}.`));
};

const speak: Handler = (ctx, options) => {
  const name = stringOption(options, 'name') ?? '';
  const text = stringOption(options, 'text') ?? '';
  return defer(() => relay(ctx, { action: 'speak', name, text }, () => `${name} will say that.`));
};

/** muteall/unmuteall. */
const everyone = (action: 'muteall' | 'unmuteall'): Handler => (ctx) =>
  defer(() => relay(ctx, { action }, () => (action === 'muteall' ? 'Every NPC is muted.' : 'Every NPC may speak again.')));

export const npcCommand: SlashCommand = {
  definition,
  handlers: {
    list,
    mute: dmOnly(toggle('mute')),
    unmute: dmOnly(toggle('unmute')),
    speak: dmOnly(speak),
    muteall: dmOnly(everyone('muteall')),
    unmuteall: dmOnly(everyone('unmuteall')),
  },
  /** NPC names come from the coordinator's cache of the session's NPCs, taken at start. */
  async autocomplete(ctx, focused) {
    if (focused.name !== 'name') return [];
    const typed = focused.value.toLowerCase();
    const names = await ctx.coordinator.npcNames(ctx.interaction.guild_id);
    return names
      .filter((n) => n.toLowerCase().includes(typed))
      .slice(0, MAX_CHOICES)
      .map((n) => ({ name: n, value: n }));
  },
};
