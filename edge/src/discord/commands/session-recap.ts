import { gmHelperNpc } from '@glyphoxa/db';
import type { APIEmbed } from 'discord-api-types/v10';
import type { Outcome } from '../../durable/outcome.ts';
import { sessionRecap, type SessionRecap } from '../../recap/session-recap.ts';
import { isUuid } from '../../text.ts';
import { defer, reply, type Answer, type CommandContext, type Handler } from '../command.ts';
import { auditDiscord, guildSession } from '../guild-session.ts';
import { escapeMarkdown } from '../markdown.ts';
import { stringOption, type OptionValues } from '../options.ts';

const BAD_ID = '`session_id` must be a session id, as a recap\'s footer shows it.';

/** The recap asked for: the named session's, else the last finished one's; or why there is none. */
async function recapFor(ctx: CommandContext, sessionId: string | undefined): Promise<SessionRecap | { missing: string }> {
  return sessionRecap({ db: ctx.db(), secretKeys: ctx.secretKeys, tenantId: ctx.tenant.id, log: ctx.log }, sessionId);
}

function sessionIdOf(options: OptionValues): string | undefined | null {
  const id = stringOption(options, 'session_id')?.trim();
  if (!id) return undefined;
  return isUuid(id) ? id : null;
}

function recapEmbed(recap: SessionRecap): APIEmbed {
  const by = recap.source === 'llm' ? 'written by your LLM' : recap.llmFailed ? 'key lines (your LLM did not answer)' : 'key lines from the transcript';
  const text = recap.source === 'llm' ? recap.text : recap.text.split('\n').map((line) => `• ${escapeMarkdown(line)}`).join('\n');
  return {
    title: recap.campaignName ? `Previously in ${recap.campaignName}` : 'Previously',
    description: text.slice(0, 4096),
    footer: { text: `Session ${recap.sessionId} · ${by}` },
    timestamp: recap.startedAt.toISOString(),
  };
}

/** `/session recap [session_id]`: for anyone at the table. */
export const recap: Handler = (ctx, options) => {
  const sessionId = sessionIdOf(options);
  if (sessionId === null) return reply(BAD_ID);
  return defer(async () => {
    const found = await recapFor(ctx, sessionId);
    return 'missing' in found ? found.missing : { embeds: [recapEmbed(found)] };
  });
};

/**
 * `/session voice-recap [session_id]`: the GM-helper NPC of the session running
 * in this server speaks it; without a running session (or a GM helper) it comes as text.
 */
export const voiceRecap: Handler = (ctx, options) => {
  const sessionId = sessionIdOf(options);
  if (sessionId === null) return reply(BAD_ID);
  return defer(async (): Promise<Answer> => {
    const found = await recapFor(ctx, sessionId);
    if ('missing' in found) return found.missing;
    const asText = (why: string): Answer => ({ content: `${why} Here is the recap as text.`, embeds: [recapEmbed(found)] });
    const running = await guildSession(ctx);
    if (!running) return asText('No session is running in this server to speak it (`/session start` one first).');
    const helper = running.campaign_id ? await gmHelperNpc(ctx.db(), ctx.tenant.id, running.campaign_id) : null;
    if (!helper) return asText('The running session\'s campaign has no GM-helper NPC to speak it (mark one with `gm_helper: true`).');
    const speak = { action: 'speak' as const, name: helper.name, text: found.text.replace(/\s*\n\s*/g, ' ') };
    // RPC wraps the result type so that `ok` no longer narrows it; it is the coordinator's Outcome.
    const outcome = (await ctx.coordinator.npcCommand(running.id, speak)) as Outcome<unknown>;
    if (!outcome.ok) return asText(outcome.message);
    await auditDiscord(ctx, 'session.voice_recap', running.id, { recap_of: found.sessionId });
    return { content: `${escapeMarkdown(helper.name)} is telling the table the recap.`, embeds: [recapEmbed(found)] };
  });
};
