import type { Database, Tenant } from '@glyphoxa/db';
import type { APIInteractionResponse } from 'discord-api-types/v10';
import { coordinatorOf } from '../durable/stubs.ts';
import type { Bindings } from '../env.ts';
import { Callback, EPHEMERAL, InteractionKind } from './api-constants.ts';
import type { Logger } from '@glyphoxa/protocol';
import { tenantBotToken } from './bot-token.ts';
import { SCOPES } from '../principal.ts';
import { isDm, STALE_BUTTON, type Answer, type CommandContext, type CommandResult } from './command.ts';
import { interactionName, modalValues, type ComponentData, type Interaction, type ModalData } from './interaction.ts';
import { optionValues } from './options.ts';
import { buttonNamed, commandNamed, modalNamed } from './registry.ts';
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
  if (data && 'components' in data) return submitModal(deps, interaction, data);
  if (data && 'component_type' in data) return pressButton(deps, interaction, data);
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
  if (interaction.type !== InteractionKind.Command) return message('Glyphoxa does not know that command.');
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

/** A button on one of our messages: to the handler its command declared for the custom_id's prefix. */
async function pressButton(deps: DispatchDeps, interaction: Interaction, data: ComponentData): Promise<APIInteractionResponse> {
  const button = interaction.type === InteractionKind.Component ? buttonNamed(data.custom_id) : undefined;
  const guildId = interaction.guild_id;
  const userId = callerOf(interaction);
  if (!button) return message(STALE_BUTTON);
  if (!guildId || !userId) return message('Glyphoxa commands work inside a server.');
  const ctx = commandContext(deps, { ...interaction, guild_id: guildId }, userId);
  return respond(deps, interaction, await button.handler(ctx, button.argument));
}

const callerOf = (interaction: Interaction): string | undefined => interaction.member?.user.id ?? interaction.user?.id;

/** A button's answer replaces the message it is on; anything else answers with a new, ephemeral one. */
function respond(deps: DispatchDeps, interaction: Interaction, result: CommandResult): APIInteractionResponse {
  const onButton = interaction.type === InteractionKind.Component;
  if ('modal' in result) return { type: Callback.Modal, data: result.modal };
  if ('reply' in result) return onButton ? { type: Callback.UpdateMessage, data: wholeMessage(result.reply) } : message(result.reply);
  deps.waitUntil(finishDeferred(deps, interaction, result.defer));
  return onButton ? { type: Callback.DeferredUpdate } : { type: Callback.DeferredMessage, data: { flags: EPHEMERAL } };
}

function commandContext(deps: DispatchDeps, interaction: CommandContext['interaction'], userId: string): CommandContext {
  let rest: Promise<DiscordRest> | undefined;
  const { tenant, env } = deps;
  const log = deps.log.with({ command: interactionName(interaction), guild_id: interaction.guild_id });
  return {
    interaction,
    userId,
    principal: { kind: 'discord', id: userId, userId: null, tenantId: tenant.id, role: isDm(tenant, interaction) ? 'dm' : 'viewer', scopes: [...SCOPES] },
    operations: { env, db: deps.db, log, waitUntil: deps.waitUntil, ip: null },
    tenant,
    log,
    db: deps.db,
    secretKeys: env.SECRET_KEYS,
    coordinator: coordinatorOf(env, tenant.id),
    rest: () =>
      (rest ??= tenantBotToken(env.SECRET_KEYS, tenant).then((botToken) => discordRest({ baseUrl: env.DISCORD_API_BASE, botToken: botToken ?? undefined }))),
  };
}

/** Runs the deferred work and edits its answer into the "thinking…" response (or the message whose button was pressed). */
async function finishDeferred(deps: DispatchDeps, interaction: Interaction, work: () => Promise<Answer>): Promise<void> {
  let answer: Answer;
  try {
    answer = await work();
  } catch (error) {
    deps.log.error('command failed', { command: interactionName(interaction), error: String(error) });
    answer = APOLOGY;
  }
  try {
    await discordRest({ baseUrl: deps.env.DISCORD_API_BASE }).editOriginal(interaction.application_id, interaction.token, wholeMessage(answer));
  } catch (error) {
    deps.log.error('could not edit the interaction response', { command: interactionName(interaction), error: String(error) });
  }
}

/** An ephemeral reply; mentions in it (NPC names, user text) never ping anyone. */
function message(answer: Answer): APIInteractionResponse {
  const parts = typeof answer === 'string' ? { content: answer } : answer;
  return {
    type: Callback.Message,
    data: { ...parts, content: parts.content?.slice(0, MAX_CONTENT), flags: EPHEMERAL, allowed_mentions: { parse: [] } },
  };
}

/** An answer replacing a whole message: what it leaves out (embeds, buttons) is removed. */
function wholeMessage(answer: Answer) {
  const parts = typeof answer === 'string' ? { content: answer } : answer;
  return { content: (parts.content ?? '').slice(0, MAX_CONTENT), embeds: parts.embeds ?? [], components: parts.components ?? [], allowed_mentions: { parse: [] as [] } };
}
