import { listEntities, type EntityKind } from '@glyphoxa/db';
import { EntityTypeSchema } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { ButtonKind } from '../api-constants.ts';
import { buttonRow } from '../components.ts';
import { defer, reply, STALE_BUTTON, type Answer, type ButtonHandler, type CommandContext, type Handler } from '../command.ts';
import { withCurrentCampaign } from '../current-campaign.ts';
import { escapeMarkdown } from '../markdown.ts';
import { excerpt } from '../../text.ts';
import { stringOption } from '../options.ts';

/** Lines a page: with excerpts of 140 characters it stays well inside an embed's 4096. */
const PAGE_SIZE = 15;
const PAGE_BUTTON = 'entity-list';

/** `/entity list [type]`: the first page; the buttons turn the others. */
export const listEntitiesHandler: Handler = (ctx, options) => {
  const type = v.safeParse(EntityTypeSchema, stringOption(options, 'type'));
  return defer(() => entityPage(ctx, type.success ? type.output : undefined, 0));
};

/** A page button: `entity-list:<type or empty>:<page>`. */
export const turnPage: ButtonHandler = (ctx, argument) => {
  const [typeText = '', pageText = ''] = argument.split(':');
  const type = v.safeParse(EntityTypeSchema, typeText);
  const page = Number(pageText);
  if ((typeText && !type.success) || !Number.isInteger(page) || page < 0) return reply(STALE_BUTTON);
  return defer(() => entityPage(ctx, type.success ? type.output : undefined, page));
};

export const entityListButtons = { [PAGE_BUTTON]: turnPage };

function entityPage(ctx: CommandContext, type: EntityKind | undefined, page: number): Promise<Answer> {
  return withCurrentCampaign(ctx, async (campaign) => {
    const { entities, total } = await listEntities(ctx.db(), ctx.tenant.id, campaign.id, { type, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
    const pages = Math.ceil(total / PAGE_SIZE);
    const name = escapeMarkdown(campaign.name);
    if (total === 0) return type ? `**${name}** has no ${type} entities yet.` : `**${name}** has no entities yet. Add one with \`/entity add\` or \`/entity import\`.`;
    // Entities removed since the previous page was shown: show the last one there is.
    if (entities.length === 0) return entityPage(ctx, type, pages - 1);
    const lines = entities.map((e) => `**${escapeMarkdown(e.name)}** · ${e.type}${e.description ? ` — ${escapeMarkdown(excerpt(e.description, 140))}` : ''}`);
    const button = (label: string, to: number, disabled: boolean) => ({ id: `${PAGE_BUTTON}:${type ?? ''}:${to}`, label, style: ButtonKind.Secondary, disabled });
    return {
      embeds: [
        {
          title: excerpt(`${campaign.name}: ${type ? `${type} entities` : 'entities'}`, 256),
          description: lines.join('\n'),
          footer: { text: `Page ${page + 1} of ${pages} · ${total} ${total === 1 ? 'entity' : 'entities'}` },
        },
      ],
      components: pages > 1 ? [buttonRow(button('Previous', page - 1, page === 0), button('Next', page + 1, page >= pages - 1))] : [],
    };
  });
}
