import type {
  ApplicationCommandOptionType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  TextInputStyle,
} from 'discord-api-types/v10';

/**
 * The Discord API numbers we use. discord-api-types ships them as CommonJS
 * enums that workerd's module loader does not hand over as named exports, so we
 * import only its types and name the values here, checked against them.
 */

export const OptionType = { Subcommand: 1, String: 3, Channel: 7, Attachment: 11 } as const satisfies Record<string, ApplicationCommandOptionType>;

export const VoiceChannelTypes = [2, 13] as const satisfies readonly ChannelType[];

export const InteractionKind = { Ping: 1, Command: 2, Component: 3, Autocomplete: 4, ModalSubmit: 5 } as const satisfies Record<string, InteractionType>;

export const Callback = {
  Pong: 1,
  Message: 4,
  DeferredMessage: 5,
  DeferredUpdate: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const satisfies Record<string, InteractionResponseType>;

export const Component = { ActionRow: 1, Button: 2, TextInput: 4 } as const satisfies Record<string, ComponentType>;

export const ButtonKind = { Primary: 1, Secondary: 2, Danger: 4 } as const satisfies Record<string, ButtonStyle>;

export const InputStyle = { Short: 1, Paragraph: 2 } as const satisfies Record<string, TextInputStyle>;

export const EPHEMERAL = 64 satisfies MessageFlags;
