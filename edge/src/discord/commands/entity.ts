import { OptionType } from '../api-constants.ts';
import { notAvailableYet, type SlashCommand } from '../command.ts';
import { attachment, autocompletedName, subcommand } from '../definitions.ts';

/** Entity kinds, shared with the web dashboard's campaign data. */
const ENTITY_TYPES = ['npc', 'location', 'item', 'faction', 'quest', 'lore'] as const;

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

export const entityCommand: SlashCommand = {
  definition,
  handlers: { add: notAvailableYet, list: notAvailableYet, remove: notAvailableYet, import: notAvailableYet },
};
