import type { CommandData, InteractionOption } from './interaction.ts';

/** Discord's option type for a subcommand: its own options sit one level down. */
const SUBCOMMAND = 1;

/** A command invocation flattened: which subcommand, and its option values by name. */
export interface OptionValues {
  subcommand: string;
  values: ReadonlyMap<string, string | number | boolean>;
  /** The option the user is typing into, during autocomplete. */
  focused: { name: string; value: string } | undefined;
}

export function optionValues(data: CommandData): OptionValues {
  const top = data.options ?? [];
  const sub = top.find((o) => o.type === SUBCOMMAND);
  const options: InteractionOption[] = sub ? (sub.options ?? []) : top;
  const values = new Map<string, string | number | boolean>();
  let focused: OptionValues['focused'];
  for (const o of options) {
    if (o.value === undefined) continue;
    values.set(o.name, o.value);
    if (o.focused) focused = { name: o.name, value: String(o.value) };
  }
  return { subcommand: sub?.name ?? '', values, focused };
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options.values.get(name);
  return typeof value === 'string' ? value : undefined;
}
