import type { APIApplicationCommandBasicOption } from 'discord-api-types/v10';
import { OptionType, VoiceChannelTypes } from '../api-constants.ts';
import { defer, dmOnly, type CommandContext, type Handler, type SlashCommand } from '../command.ts';
import { subcommand } from '../definitions.ts';
import { ApiError } from '../../errors.ts';
import { startSession, stopSession } from '../../operations/sessions.ts';
import { guildSession, NO_SESSION } from '../guild-session.ts';
import { stringOption } from '../options.ts';
import { DiscordApiError } from '../rest.ts';
import { recap, voiceRecap } from './session-recap.ts';

const sessionIdOption: APIApplicationCommandBasicOption = {
  type: OptionType.String,
  name: 'session_id',
  description: 'Which session (default: the last one)',
  required: false,
};

const definition: SlashCommand['definition'] = {
  name: 'session',
  description: 'Run a voice session with your NPCs',
  options: [
    subcommand('start', 'Start a voice session in your voice channel, or the one you name', [
      {
        type: OptionType.Channel,
        name: 'channel',
        description: 'Voice channel to run the session in (default: the one you are in)',
        channel_types: [...VoiceChannelTypes],
        required: false,
      },
    ]),
    subcommand('stop', "Stop this server's running session"),
    subcommand('recap', 'A summary of the last (or named) session', [sessionIdOption]),
    subcommand('voice-recap', 'The recap, spoken in the voice channel by the GM-helper NPC', [sessionIdOption]),
  ],
};

const start: Handler = (ctx, options) =>
  defer(async () => {
    const channelId = stringOption(options, 'channel') ?? (await callersVoiceChannel(ctx));
    if (typeof channelId !== 'string') return channelId.message;
    const request = { guild_id: ctx.interaction.guild_id, channel_id: channelId, started_by: ctx.userId, transport: 'discord' as const };
    const refused = await refusalOf(() => startSession(ctx.operations, ctx.principal, ctx.tenant.id, request));
    return refused ?? `Session started in <#${channelId}>. Your NPCs are joining the channel.`;
  });

/** The caller's current voice channel, or why there is none to use. */
async function callersVoiceChannel(ctx: CommandContext): Promise<string | { message: string }> {
  const nameOne = 'or name one: `/session start channel:`';
  try {
    const channelId = await (await ctx.rest()).voiceChannelOf(ctx.interaction.guild_id, ctx.userId);
    return channelId ?? { message: `You are not in a voice channel. Join the one you play in and run \`/session start\` again, ${nameOne}.` };
  } catch (error) {
    if (!(error instanceof DiscordApiError)) throw error;
    ctx.log.warn('voice state lookup failed', { error: error.message });
    return { message: `Discord did not tell us which voice channel you are in (${error.status}). Try again, ${nameOne}.` };
  }
}

const stop: Handler = (ctx) =>
  defer(async () => {
    const session = await guildSession(ctx);
    if (!session) return NO_SESSION;
    const refused = await refusalOf(() => stopSession(ctx.operations, ctx.principal, session.id, ctx.tenant.id));
    return refused ?? 'Session stopped. Thanks for playing!';
  });

/** Runs the operation (the one the web's routes call); a refusal's message is the DM's answer, null when it went through. */
async function refusalOf(operation: () => Promise<unknown>): Promise<string | null> {
  try {
    await operation();
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error.message;
    throw error;
  }
}

export const sessionCommand: SlashCommand = {
  definition,
  handlers: {
    start: dmOnly(start),
    stop: dmOnly(stop),
    recap,
    'voice-recap': dmOnly(voiceRecap),
  },
};
