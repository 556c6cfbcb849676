import type { Database, Tenant } from '@glyphoxa/db';
import type {
  APIApplicationCommandOptionChoice,
  APIModalInteractionResponseCallbackData,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { TenantCoordinator } from '../durable/tenant-coordinator.ts';
import type { Logger } from '@glyphoxa/protocol';
import { interactionName, type Interaction } from './interaction.ts';
import type { OptionValues } from './options.ts';
import type { DiscordRest } from './rest.ts';

/** What a command handler gets: the verified interaction, its tenant, and the ways out. */
export interface CommandContext {
  interaction: Interaction & { guild_id: string };
  /** The member who ran the command. */
  userId: string;
  tenant: Tenant;
  log: Logger;
  db: () => Database;
  coordinator: DurableObjectStub<TenantCoordinator>;
  /** Discord's REST API with the tenant's bot token, opened on first use. */
  rest: () => Promise<DiscordRest>;
}

export type Modal = APIModalInteractionResponseCallbackData;

/**
 * A quick answer goes back in the interaction's response; anything that waits on
 * the coordinator, the database or a node is deferred and its text edited in.
 * Both are ephemeral: they are the DM's controls, not table talk. A command may
 * instead open a form (a modal), whose submit comes back to the command's `modals`.
 */
export type CommandResult = { reply: string } | { defer: () => Promise<string> } | { modal: Modal };

export type Handler = (ctx: CommandContext, options: OptionValues) => CommandResult | Promise<CommandResult>;

/** Handles a submitted modal, given its text inputs' values by custom_id. */
export type ModalHandler = (ctx: CommandContext, values: ReadonlyMap<string, string>) => CommandResult | Promise<CommandResult>;

export type Choice = APIApplicationCommandOptionChoice<string>;

/** A command is data plus handlers: the definition is what Discord registers. */
export interface SlashCommand {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** By subcommand name; a command without subcommands has the one handler under ''. */
  handlers: Readonly<Record<string, Handler>>;
  /** Choices for the focused option; must answer from what is at hand, never wait on a node. */
  autocomplete?: (ctx: CommandContext, focused: { name: string; value: string }) => Promise<Choice[]>;
  /** By custom_id, the submits of the modals this command opens. */
  modals?: Readonly<Record<string, ModalHandler>>;
}

export const reply = (content: string): CommandResult => ({ reply: content });
export const defer = (work: () => Promise<string>): CommandResult => ({ defer: work });
export const modal = (form: Modal): CommandResult => ({ modal: form });

/** The honest answer for a subcommand that is defined (registered) but not built yet. */
export const notAvailableYet: Handler = (ctx, options) =>
  reply(`\`/${interactionName(ctx.interaction)}${options.subcommand ? ` ${options.subcommand}` : ''}\` is not available yet on Glyphoxa Edge. It is coming; nothing was changed.`);

/**
 * Commands that change state belong to the DM: with the tenant's `dm_role_id`
 * set, only members holding that role may run them; without it everyone counts.
 */
export function dmOnly(handler: Handler): Handler {
  return (ctx, options) => {
    const role = ctx.tenant.dmRoleId;
    if (role && !ctx.interaction.member?.roles.includes(role)) {
      return reply(`Only the DM can do that: it needs the <@&${role}> role, which you do not have.`);
    }
    return handler(ctx, options);
  };
}
