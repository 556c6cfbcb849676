import type { Database, Tenant } from '@glyphoxa/db';
import type {
  APIActionRowComponent,
  APIApplicationCommandOptionChoice,
  APIButtonComponent,
  APIEmbed,
  APIModalInteractionResponseCallbackData,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import type { TenantCoordinator } from '../durable/coordinator/tenant-coordinator.ts';
import type { OperationContext } from '../operations/context.ts';
import type { Principal } from '../principal.ts';
import type { Logger } from '@glyphoxa/protocol';
import type { Interaction } from './interaction.ts';
import type { OptionValues } from './options.ts';
import type { DiscordRest } from './rest.ts';

/** What a command handler gets: the verified interaction, its tenant, and the ways out. */
export interface CommandContext {
  interaction: Interaction & { guild_id: string };
  /** The member who ran the command. */
  userId: string;
  /** That member as the operations see them: a `dm` when they hold the tenant's DM role, else a `viewer`. */
  principal: Principal;
  /** What the operations (edge/src/operations) this door shares with the others need. */
  operations: OperationContext;
  tenant: Tenant;
  log: Logger;
  db: () => Database;
  /** The keyring spec, for opening the tenant's sealed provider keys. */
  secretKeys: string;
  coordinator: DurableObjectStub<TenantCoordinator>;
  /** Discord's REST API with the tenant's bot token, opened on first use. */
  rest: () => Promise<DiscordRest>;
}

export type Modal = APIModalInteractionResponseCallbackData;

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/** What an answer says: text, or a message with embeds and buttons. Either replaces the whole message it answers. */
export type Answer = string | { content?: string; embeds?: APIEmbed[]; components?: ButtonRow[] };

/**
 * A quick answer goes back in the interaction's response; anything that waits on
 * the coordinator, the database or a node is deferred and its answer edited in.
 * Both are ephemeral: they are the DM's controls, not table talk. A command may
 * instead open a form (a modal), whose submit comes back to the command's `modals`.
 * Answering a button press replaces the message the button is on.
 */
export type CommandResult = { reply: Answer } | { defer: () => Promise<Answer> } | { modal: Modal };

type Returns = CommandResult | Promise<CommandResult>;

export type Handler = (ctx: CommandContext, options: OptionValues) => Returns;

/** Handles a submitted modal, given its text inputs' values by custom_id. */
export type ModalHandler = (ctx: CommandContext, values: ReadonlyMap<string, string>) => Returns;

/** Handles a pressed button, given what its custom_id carries after `<prefix>:`. */
export type ButtonHandler = (ctx: CommandContext, argument: string) => Returns;

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
  /** By custom_id prefix (the part before `:`), the buttons this command's messages carry. */
  buttons?: Readonly<Record<string, ButtonHandler>>;
}

/** For a button whose custom_id no handler reads (any more). */
export const STALE_BUTTON = 'That button no longer does anything.';

export const reply = (answer: Answer): CommandResult => ({ reply: answer });
export const defer = (work: () => Promise<Answer>): CommandResult => ({ defer: work });
export const modal = (form: Modal): CommandResult => ({ modal: form });

/**
 * Commands that change state belong to the DM: with the tenant's `dm_role_id`
 * set, only members holding that role may run them (and submit their forms and
 * press their buttons); without it everyone counts.
 */
export function dmOnly<A extends unknown[]>(handler: (ctx: CommandContext, ...args: A) => Returns): (ctx: CommandContext, ...args: A) => Returns {
  return (ctx, ...args) => {
    if (!isDm(ctx.tenant, ctx.interaction)) return reply(`Only the DM can do that: it needs the <@&${ctx.tenant.dmRoleId}> role, which you do not have.`);
    return handler(ctx, ...args);
  };
}

export const isDm = (tenant: Tenant, interaction: Interaction): boolean => !tenant.dmRoleId || (interaction.member?.roles.includes(tenant.dmRoleId) ?? false);
