import { notAvailableYet, type SlashCommand } from '../command.ts';
import { attachment, autocompletedName, subcommand } from '../definitions.ts';

const definition: SlashCommand['definition'] = {
  name: 'campaign',
  description: 'Your current campaign',
  options: [
    subcommand('info', 'The current campaign'),
    subcommand('switch', 'Make another of your campaigns the current one', [autocompletedName('The campaign')]),
    subcommand('load', 'Create a campaign from a YAML file and make it current', [attachment('The campaign YAML file')]),
  ],
};

export const campaignCommand: SlashCommand = {
  definition,
  handlers: { info: notAvailableYet, switch: notAvailableYet, load: notAvailableYet },
};
