import { currentEntityNames, findEntityByName, importEntities, MAX_NAME_LENGTH } from '@glyphoxa/db';
import { EntityTypeSchema, MAX_TEXT_LENGTH } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { ApiError } from '../../errors.ts';
import { createEntity, deleteEntity } from '../../operations/knowledge/entities.ts';
import { relayToSessions } from '../../operations/relay-to-sessions.ts';
import { checkEntries, describeIssue, readYaml } from '../../campaign/yaml-file.ts';
import { EntityEntrySchema, MAX_FILE_ENTITIES } from '../../campaign/yaml-format.ts';
import { isUuid } from '../../text.ts';
import { ButtonKind, InputStyle, OptionType } from '../api-constants.ts';
import { attachmentOption, attachmentText } from '../attachment.ts';
import { buttonRow, inputRow } from '../components.ts';
import { defer, dmOnly, modal, reply, STALE_BUTTON, type ButtonHandler, type Handler, type Modal, type ModalHandler, type SlashCommand } from '../command.ts';
import { withCurrentCampaign } from '../current-campaign.ts';
import { attachment, autocompletedName, MAX_CHOICES, subcommand } from '../definitions.ts';
import { auditDiscord } from '../guild-session.ts';
import { bulletList, escapeMarkdown } from '../markdown.ts';
import { stringOption } from '../options.ts';
import { entityListButtons, listEntitiesHandler } from './entity-list.ts';

const ENTITY_TYPES = EntityTypeSchema.options;
const FORM_ID = 'entity-add';
const REMOVE_BUTTON = 'entity-remove';
const KEEP_BUTTON = 'entity-keep';

const definition: SlashCommand['definition'] = {
  name: 'entity',
  description: "Your campaign's people, places and things",
  options: [
    subcommand('add', 'Add an entity (opens a form)'),
    subcommand('list', "The campaign's entities", [
      { type: OptionType.String, name: 'type', description: 'Only this kind', required: false, choices: ENTITY_TYPES.map((t) => ({ name: t, value: t })) },
    ]),
    subcommand('remove', 'Remove an entity', [autocompletedName('The entity')]),
    subcommand('import', 'Import entities from a YAML file (at most 10 MB)', [attachment('The YAML file')]),
  ],
};

const form: Modal = {
  custom_id: FORM_ID,
  title: 'Add an entity',
  components: [
    inputRow({ custom_id: 'name', style: InputStyle.Short, label: 'Name', required: true, max_length: MAX_NAME_LENGTH }),
    inputRow({ custom_id: 'type', style: InputStyle.Short, label: 'Type', required: true, max_length: 10, placeholder: ENTITY_TYPES.join(', ') }),
    inputRow({ custom_id: 'description', style: InputStyle.Paragraph, label: 'Description', required: false, max_length: MAX_TEXT_LENGTH }),
    inputRow({ custom_id: 'tags', style: InputStyle.Short, label: 'Tags (comma-separated)', required: false, max_length: 400, placeholder: 'town, sword coast' }),
  ],
};

/** The form's fields, checked by the same schema as a file's entities. */
const submitAdd: ModalHandler = (ctx, values) => {
  const tags = (values.get('tags') ?? '').split(',').map((tag) => tag.trim()).filter(Boolean);
  const parsed = v.safeParse(EntityEntrySchema, { name: values.get('name') ?? '', type: values.get('type') ?? '', description: values.get('description') ?? '', tags });
  if (!parsed.success) return reply(`Entity not added: ${parsed.issues.map(describeIssue).join('; ')}.`);
  const entity = parsed.output;
  return defer(() =>
    withCurrentCampaign(ctx, async (campaign) => {
      const where = `**${escapeMarkdown(campaign.name)}**`;
      try {
        const added = await createEntity(ctx.operations, ctx.principal, ctx.tenant.id, campaign.id, entity);
        return `Added **${escapeMarkdown(added.name)}** (${added.type}) to ${where}.`;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'conflict') {
          return `${where} already has an entity named **${escapeMarkdown(entity.name)}**. Remove it first to replace it, or import a file: that updates by name.`;
        }
        throw error;
      }
    }),
  );
};

/** Asks first: the answer carries the buttons that do it or not. */
const remove: Handler = (ctx, options) => {
  const name = stringOption(options, 'name') ?? '';
  return defer(() =>
    withCurrentCampaign(ctx, async (campaign) => {
      const entity = await findEntityByName(ctx.db(), ctx.tenant.id, campaign.id, name);
      if (!entity) return `**${escapeMarkdown(campaign.name)}** has no entity named **${escapeMarkdown(name)}**.`;
      return {
        content: `Remove **${escapeMarkdown(entity.name)}** (${entity.type}) from **${escapeMarkdown(campaign.name)}**? This cannot be undone.`,
        components: [
          buttonRow({ id: `${REMOVE_BUTTON}:${entity.id}`, label: 'Remove', style: ButtonKind.Danger }, { id: KEEP_BUTTON, label: 'Keep it', style: ButtonKind.Secondary }),
        ],
      };
    }),
  );
};

const confirmRemove: ButtonHandler = (ctx, entityId) => {
  if (!isUuid(entityId)) return reply(STALE_BUTTON);
  return defer(async () => {
    try {
      const removed = await deleteEntity(ctx.operations, ctx.principal, ctx.tenant.id, entityId);
      return `Removed **${escapeMarkdown(removed.name)}**.`;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'entity_not_found') return 'That entity was already removed.';
      throw error;
    }
  });
};

const importFile: Handler = (ctx, options) => {
  const file = attachmentOption(ctx, options);
  if (!file) return reply('Attach the YAML file to import.');
  return defer(() =>
    withCurrentCampaign(ctx, async (campaign) => {
      const download = await attachmentText(file);
      if ('problem' in download) return `Nothing imported: ${download.problem}`;
      const yaml = readYaml(download.text);
      if ('problem' in yaml) return `Nothing imported: ${yaml.problem}`;
      // A list of entities, or a campaign file's `entities:`.
      const list = Array.isArray(yaml.data) ? yaml.data : (yaml.data as { entities?: unknown } | null)?.entities;
      if (!Array.isArray(list)) return 'Nothing imported: the file has no `entities:` list (see the campaign YAML format).';
      if (list.length > MAX_FILE_ENTITIES) return `Nothing imported: the file lists ${list.length} entities; at most ${MAX_FILE_ENTITIES} go in one import.`;
      const checked = checkEntries(EntityEntrySchema, 'entities', list);
      const counts = checked.valid.length > 0 ? await importEntities(ctx.db(), ctx.tenant.id, campaign.id, checked.valid) : { added: 0, updated: 0 };
      await auditDiscord(ctx, 'entity.import', campaign.id, { ...counts, skipped: checked.problems.length });
      if (counts.added + counts.updated > 0) await relayToSessions(ctx.operations, ctx.tenant.id, campaign.id, 'knowledge');
      const done = `Imported into **${escapeMarkdown(campaign.name)}**: ${counts.added} added, ${counts.updated} updated.`;
      if (checked.problems.length === 0) return done;
      return `${done}\n${checked.problems.length} ${checked.problems.length === 1 ? 'entry was' : 'entries were'} skipped:\n${bulletList(checked.problems)}`;
    }),
  );
};

export const entityCommand: SlashCommand = {
  definition,
  handlers: { add: dmOnly(() => modal(form)), list: listEntitiesHandler, remove: dmOnly(remove), import: dmOnly(importFile) },
  modals: { [FORM_ID]: dmOnly(submitAdd) },
  buttons: {
    ...entityListButtons,
    [REMOVE_BUTTON]: dmOnly(confirmRemove),
    [KEEP_BUTTON]: () => reply('Nothing was removed.'),
  },
  /** Names from the current campaign, read from Postgres: never from a node. */
  async autocomplete(ctx, focused) {
    if (focused.name !== 'name') return [];
    const names = await currentEntityNames(ctx.db(), ctx.tenant.id, focused.value, MAX_CHOICES);
    return names.map((name) => ({ name, value: name }));
  },
};
