import type { APIActionRowComponent, APITextInputComponent } from 'discord-api-types/v10';
import { ButtonKind, Component } from './api-constants.ts';
import type { ButtonRow } from './command.ts';

type Style = (typeof ButtonKind)[keyof typeof ButtonKind];

/** One row of buttons, each a custom_id our `buttons` handlers answer. */
export function buttonRow(...buttons: Array<{ id: string; label: string; style: Style; disabled?: boolean }>): ButtonRow {
  return {
    type: Component.ActionRow,
    components: buttons.map((b) => ({ type: Component.Button, custom_id: b.id, label: b.label, style: b.style, disabled: b.disabled ?? false })),
  };
}

/** A modal's text input, alone in its row as Discord wants it. */
export function inputRow(input: Omit<APITextInputComponent, 'type'>): APIActionRowComponent<APITextInputComponent> {
  return { type: Component.ActionRow, components: [{ type: Component.TextInput, ...input }] };
}
