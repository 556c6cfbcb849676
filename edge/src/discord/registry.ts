import type { RESTPutAPIApplicationGuildCommandsJSONBody } from 'discord-api-types/v10';
import type { ButtonHandler, ModalHandler, SlashCommand } from './command.ts';
import { campaignCommand } from './commands/campaign.ts';
import { entityCommand } from './commands/entity.ts';
import { feedbackCommand } from './commands/feedback.ts';
import { npcCommand } from './commands/npc.ts';
import { sessionCommand } from './commands/session.ts';

/** Every command, from its own module in commands/: adding one is adding it here. */
export const COMMANDS: readonly SlashCommand[] = [sessionCommand, npcCommand, entityCommand, campaignCommand, feedbackCommand];

const byName = new Map(COMMANDS.map((command) => [command.definition.name, command]));

export function commandNamed(name: string): SlashCommand | undefined {
  return byName.get(name);
}

const modalsById = new Map(COMMANDS.flatMap((command) => Object.entries(command.modals ?? {})));

/** The handler for a submitted modal, from the command that opened it. */
export function modalNamed(customId: string): ModalHandler | undefined {
  return modalsById.get(customId);
}

const buttonsByPrefix = new Map(COMMANDS.flatMap((command) => Object.entries(command.buttons ?? {})));

/** The handler for a pressed button, and what its custom_id carries after the prefix. */
export function buttonNamed(customId: string): { handler: ButtonHandler; argument: string } | undefined {
  const colon = customId.indexOf(':');
  const handler = buttonsByPrefix.get(colon === -1 ? customId : customId.slice(0, colon));
  return handler && { handler, argument: colon === -1 ? '' : customId.slice(colon + 1) };
}

/** What each guild gets registered: the definitions, as they are. */
export function registrationPayload(): RESTPutAPIApplicationGuildCommandsJSONBody {
  return COMMANDS.map((command) => command.definition);
}
