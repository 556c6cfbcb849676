import type { APIApplicationCommandBasicOption, APIApplicationCommandSubcommandOption } from 'discord-api-types/v10';
import { OptionType } from './api-constants.ts';

/** Builders for the option shapes the command definitions share. */

/** Discord shows at most 25 autocomplete choices. */
export const MAX_CHOICES = 25;

export function subcommand(name: string, description: string, options: APIApplicationCommandBasicOption[] = []): APIApplicationCommandSubcommandOption {
  return options.length > 0 ? { type: OptionType.Subcommand, name, description, options } : { type: OptionType.Subcommand, name, description };
}

/** A required `name` that Discord autocompletes from our handler's choices. */
export function autocompletedName(description: string): APIApplicationCommandBasicOption {
  return { type: OptionType.String, name: 'name', description, required: true, autocomplete: true, max_length: 128 };
}

/** A required uploaded file, read by the handler. */
export function attachment(description: string): APIApplicationCommandBasicOption {
  return { type: OptionType.Attachment, name: 'attachment', description, required: true };
}
