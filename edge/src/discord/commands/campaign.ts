import { campaignOverview, findCampaignByName, setCurrentCampaign } from '@glyphoxa/db';
import type { APIEmbed } from 'discord-api-types/v10';
import * as v from 'valibot';
import { checkEntries, describeIssue, readYaml } from '../../campaign/yaml-file.ts';
import { campaignFields, CampaignFileSchema, EntityEntrySchema, NpcEntrySchema } from '../../campaign/yaml-format.ts';
import { attachmentOption, attachmentText } from '../attachment.ts';
import { defer, dmOnly, reply, type CommandContext, type Handler, type SlashCommand } from '../command.ts';
import { withCurrentCampaign } from '../current-campaign.ts';
import { attachment, autocompletedName, MAX_CHOICES, subcommand } from '../definitions.ts';
import { auditDiscord } from '../guild-session.ts';
import { bulletList, escapeMarkdown } from '../markdown.ts';
import { ApiError } from '../../errors.ts';
import { createCampaign, listCampaigns } from '../../operations/campaigns.ts';
import { excerpt } from '../../text.ts';
import { stringOption } from '../options.ts';

/** An embed field holds at most 1024 characters. */
const MAX_FIELD = 1024;

const definition: SlashCommand['definition'] = {
  name: 'campaign',
  description: 'Your current campaign',
  options: [
    subcommand('info', 'The current campaign'),
    subcommand('switch', 'Make another of your campaigns the current one', [autocompletedName('The campaign')]),
    subcommand('load', 'Create a campaign from a YAML file and make it current', [attachment('The campaign YAML file')]),
  ],
};

/** Sessions play the campaign they started with; switching under a running one would split the table's world. */
async function sessionRunning(ctx: CommandContext): Promise<boolean> {
  return (await ctx.coordinator.liveSessions()).length > 0;
}

const info: Handler = (ctx) =>
  defer(() =>
    withCurrentCampaign(ctx, async (campaign) => {
      const overview = await campaignOverview(ctx.db(), ctx.tenant.id, campaign.id);
      const entityTotal = overview.entityCounts.reduce((sum, c) => sum + c.count, 0);
      const npcs = overview.npcs.map((n) => `${escapeMarkdown(n.name)}${n.gmHelper ? ' (GM helper)' : ''}`).join(', ');
      const embed: APIEmbed = {
        title: excerpt(campaign.name, 256),
        ...(campaign.description ? { description: excerpt(campaign.description, 4096) } : {}),
        fields: [
          { name: 'System', value: campaign.gameSystem ?? 'not set', inline: true },
          { name: 'Language', value: campaign.language ?? 'not set', inline: true },
          { name: `NPCs (${overview.npcs.length})`, value: excerpt(npcs || 'none yet', MAX_FIELD) },
          {
            name: `Entities (${entityTotal})`,
            value: entityTotal === 0 ? 'none yet' : overview.entityCounts.map((c) => `${c.count} ${c.type}`).join(', '),
          },
        ],
      };
      return { embeds: [embed] };
    }),
  );

const switchTo: Handler = (ctx, options) => {
  const name = stringOption(options, 'name') ?? '';
  return defer(async () => {
    const campaign = await findCampaignByName(ctx.db(), ctx.tenant.id, name);
    if (!campaign) return `You have no campaign named **${escapeMarkdown(name)}**.`;
    if (await sessionRunning(ctx)) return 'A session is running, and it plays the current campaign. Stop it with `/session stop` before switching.';
    await setCurrentCampaign(ctx.db(), ctx.tenant.id, campaign.id);
    await auditDiscord(ctx, 'campaign.switch', campaign.id);
    return `**${escapeMarkdown(campaign.name)}** is now your current campaign: sessions you start play it.`;
  });
};

/** The file as a campaign to create, or every problem it has: a campaign is loaded whole or not at all. */
function readCampaignFile(text: string) {
  const yaml = readYaml(text);
  if ('problem' in yaml) return { problems: [yaml.problem] };
  const file = v.safeParse(CampaignFileSchema, yaml.data);
  if (!file.success) return { problems: file.issues.map(describeIssue) };
  const npcs = checkEntries(NpcEntrySchema, 'npcs', file.output.npcs);
  const entities = checkEntries(EntityEntrySchema, 'entities', file.output.entities);
  const problems = [...npcs.problems, ...entities.problems];
  if (problems.length > 0) return { problems };
  return { content: { campaign: campaignFields(file.output), npcs: npcs.valid, entities: entities.valid } };
}

const load: Handler = (ctx, options) => {
  const file = attachmentOption(ctx, options);
  if (!file) return reply('Attach the campaign YAML file to load.');
  return defer(async () => {
    const download = await attachmentText(file);
    if ('problem' in download) return `Campaign not loaded: ${download.problem}`;
    const read = readCampaignFile(download.text);
    if (!read.content) {
      const n = read.problems.length;
      return `Campaign not loaded: the file has ${n} ${n === 1 ? 'problem' : 'problems'}. Fix ${n === 1 ? 'it' : 'them'} and load it again:\n${bulletList(read.problems)}`;
    }
    const makeCurrent = !(await sessionRunning(ctx));
    const name = `**${escapeMarkdown(read.content.campaign.name)}**`;
    try {
      await createCampaign(ctx.operations, ctx.principal, ctx.tenant.id, read.content, { makeCurrent });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'campaign_exists') return `You already have a campaign named ${name}. Give the file another \`name:\`, or switch to that one with \`/campaign switch\`.`;
      if (error instanceof ApiError && error.code === 'invalid_request') return `Campaign not loaded: ${error.message}`;
      if (error instanceof ApiError && error.code === 'plan_limit') return `Campaign not loaded: ${error.message} A team owner changes the plan on the dashboard's Plan screen.`;
      throw error;
    }
    const loaded = `Loaded ${name}: ${read.content.npcs.length} NPCs, ${read.content.entities.length} entities.`;
    return makeCurrent ? `${loaded} It is now your current campaign.` : `${loaded} A session is running, so it is not current yet: \`/campaign switch\` to it once the session ends.`;
  });
};

export const campaignCommand: SlashCommand = {
  definition,
  handlers: { info, switch: dmOnly(switchTo), load: dmOnly(load) },
  /** The tenant's campaigns, through the operation the web's list is. */
  async autocomplete(ctx, focused) {
    if (focused.name !== 'name') return [];
    const campaigns = await listCampaigns(ctx.operations, ctx.principal, ctx.tenant.id, { typed: focused.value, limit: MAX_CHOICES });
    return campaigns.map((c) => ({ name: c.name, value: c.name }));
  },
};
