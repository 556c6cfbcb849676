import type { Database, Tenant } from '@glyphoxa/db';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import type { Bindings } from '../env.ts';
import { Callback, EPHEMERAL, InteractionKind } from './api-constants.ts';
import type { Logger } from '@glyphoxa/protocol';
import { tenantBotToken } from './bot-token.ts';
import type { CommandContext, CommandResult } from './command.ts';
import { interactionName, modalValues, type Interaction, type ModalData } from './interaction.ts';
import { optionValues } from './options.ts';
import { commandNamed, modalNamed } from './registry.ts';
import { discordRest, type DiscordRest } from './rest.ts';

/** Discord's cap on a message's content. */
const MAX_CONTENT = 2000;
const APOLOGY = 'Something went wrong on our side. Please try again in a moment.';

export interface DispatchDeps {
  tenant: Tenant;
  env: Bindings;
  log: Logger;
  db: () => Database;
  /** Keeps deferred work running after the response went out. */
  waitUntil: (work: Promise<unknown>) => void;
}

/** A verified interaction to its command's handler, and the handler's result to Discord's answer. */
export async function dispatch(deps: DispatchDeps, interaction: Interaction): Promise<APIInteractionResponse> {
  if (interaction.type === InteractionKind.Ping) return { type: Callback.Pong };
  const data = interaction.data;
  if (data && 'custom_id' in data) return submitModal(deps, interaction, data);
  const command = data && commandNamed(data.name);
  const guildId = interaction.guild_id;
  const userId = callerOf(interaction);
  const autocomplete = interaction.type === InteractionKind.Autocomplete;

  if (!command || !data || !guildId || !userId) {
    if (autocomplete) return { type: Callback.AutocompleteResult, data: { choices: [] } };
    return message(guildId ? 'Glyphoxa does not know that command.' : 'Glyphoxa commands work inside a server.');
  }
  const ctx = commandContext(deps, { ...interaction, guild_id: guildId }, userId);
  const options = optionValues(data);

  if (autocomplete) {
    const choices = command.autocomplete && options.focused ? await command.autocomplete(ctx, options.focused) : [];
    return { type: Callback.AutocompleteResult, data: { choices } };
  }
  // Buttons arrive with the commands that add them (entity), not built yet.
  if (interaction.type !== InteractionKind.Command) return message('That is not available yet on Glyphoxa Edge.');
  const handler = command.handlers[options.subcommand];
  if (!handler) return message('Glyphoxa does not know that command.');
  return respond(deps, interaction, await handler(ctx, options));
}

/** A form one of our commands opened, back filled in: to the handler its command declared for it. */
async function submitModal(deps: DispatchDeps, interaction: Interaction, data: ModalData): Promise<APIInteractionResponse> {
  const handler = interaction.type === InteractionKind.ModalSubmit ? modalNamed(data.custom_id) : undefined;
  const guildId = interaction.guild_id;
  const userId = callerOf(interaction);
  if (!handler) return message('That is not available yet on Glyphoxa Edge.');
  if (!guildId || !userId) return message('Glyphoxa commands work inside a server.');
  const ctx = commandContext(deps, { ...interaction, guild_id: guildId }, userId);
  return respond(deps, interaction, await handler(ctx, modalValues(data)));
}

const callerOf = (interaction: Interaction): string | undefined => interaction.member?.user.id ?? interaction.user?.id;

function respond(deps: DispatchDeps, interaction: Interaction, result: CommandResult): APIInteractionResponse {
  if ('reply' in result) return message(result.reply);
  if ('modal' in result) return { type: Callback.Modal, data: result.modal };
  deps.waitUntil(finishDeferred(deps, interaction, result.defer));
  return { type: Callback.DeferredMessage, data: { flags: EPHEMERAL } };
}

function commandContext(deps: DispatchDeps, interaction: CommandContext['interaction'], userId: string): CommandContext {
  let rest: Promise<DiscordRest> | undefined;
  const { tenant, env } = deps;
  return {
    interaction,
    userId,
    tenant,
    log: deps.log.with({ command: interactionName(interaction), guild_id: interaction.guild_id }),
    db: deps.db,
    coordinator: env.TENANT_COORDINATOR.get(env.TENANT_COORDINATOR.idFromName(tenant.id)),
    rest: () =>
      (rest ??= tenantBotToken(env.SECRET_KEYS, tenant).then((botToken) => discordRest({ baseUrl: env.DISCORD_API_BASE, botToken: botToken ?? undefined }))),
  };
}

/** Runs the deferred work and edits its text into the "thinking…" response. */
async function finishDeferred(deps: DispatchDeps, interaction: Interaction, work: () => Promise<string>): Promise<void> {
  let content: string;
  try {
    content = await work();
  } catch (error) {
    deps.log.error('command failed', { command: interactionName(interaction), error: String(error) });
    content = APOLOGY;
  }
  try {
    await discordRest({ baseUrl: deps.env.DISCORD_API_BASE }).editOriginal(interaction.application_id, interaction.token, {
      content: content.slice(0, MAX_CONTENT),
      allowed_mentions: { parse: [] },
    });
  } catch (error) {
    deps.log.error('could not edit the interaction response', { command: interactionName(interaction), error: String(error) });
  }
}

/** An ephemeral reply; mentions in it (NPC names, user text) never ping anyone. */
function message(content: string): APIInteractionResponse {
  return {
    type: Callback.Message,
    data: { content: content.slice(0, MAX_CONTENT), flags: EPHEMERAL, allowed_mentions: { parse: [] } },
  };
}
