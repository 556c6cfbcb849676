import * as v from 'valibot';

/**
 * The parts of a Discord interaction we act on, validated after the signature
 * checked out. Discord sends many more fields; they pass through unread.
 */

const Snowflake = v.pipe(v.string(), v.regex(/^\d{15,21}$/, 'must be a Discord id'));

export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  focused?: boolean | undefined;
  options?: InteractionOption[] | undefined;
}

const OptionSchema: v.GenericSchema<InteractionOption> = v.object({
  name: v.pipe(v.string(), v.maxLength(32)),
  type: v.pipe(v.number(), v.integer()),
  value: v.optional(v.union([v.pipe(v.string(), v.maxLength(6000)), v.number(), v.boolean()])),
  focused: v.optional(v.boolean()),
  options: v.optional(v.pipe(v.array(v.lazy(() => OptionSchema)), v.maxLength(25))),
});

/** An uploaded file as Discord resolved it; the handler downloads it from `url`. */
const AttachmentSchema = v.object({
  id: Snowflake,
  filename: v.pipe(v.string(), v.maxLength(1024)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
  url: v.pipe(v.string(), v.maxLength(4096), v.url()),
  content_type: v.optional(v.pipe(v.string(), v.maxLength(256))),
});

const CommandDataSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(32)),
  options: v.optional(v.pipe(v.array(OptionSchema), v.maxLength(25))),
  /** Attachment options carry an id; the file itself is here, by that id. */
  resolved: v.optional(v.object({ attachments: v.optional(v.record(Snowflake, AttachmentSchema)) })),
});

const CustomId = v.pipe(v.string(), v.maxLength(100));

/** A button pressed on one of our messages. */
const ComponentDataSchema = v.object({ custom_id: CustomId, component_type: v.pipe(v.number(), v.integer()) });

/** A modal submit: the modal's custom_id and, row by row (at most five), its text inputs' values. */
const ModalDataSchema = v.object({
  custom_id: CustomId,
  components: v.pipe(
    v.array(v.object({ components: v.pipe(v.array(v.object({ custom_id: CustomId, value: v.pipe(v.string(), v.maxLength(4000)) })), v.maxLength(5)) })),
    v.maxLength(5),
  ),
});

export const InteractionSchema = v.object({
  id: Snowflake,
  application_id: Snowflake,
  type: v.pipe(v.number(), v.integer()),
  token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1000)),
  guild_id: v.optional(Snowflake),
  member: v.optional(v.object({ user: v.object({ id: Snowflake }), roles: v.array(Snowflake) })),
  user: v.optional(v.object({ id: Snowflake })),
  data: v.optional(v.union([CommandDataSchema, ModalDataSchema, ComponentDataSchema])),
});

export type Interaction = v.InferOutput<typeof InteractionSchema>;
export type CommandData = v.InferOutput<typeof CommandDataSchema>;
export type ModalData = v.InferOutput<typeof ModalDataSchema>;
export type ComponentData = v.InferOutput<typeof ComponentDataSchema>;
export type Attachment = v.InferOutput<typeof AttachmentSchema>;

/** The command's name, or the modal's or button's custom_id: what logs and replies call the interaction. */
export function interactionName(interaction: Interaction): string | undefined {
  const data = interaction.data;
  return data && ('name' in data ? data.name : data.custom_id);
}

/** A submitted modal's text inputs, value by custom_id. */
export function modalValues(data: ModalData): ReadonlyMap<string, string> {
  return new Map(data.components.flatMap((row) => row.components.map((input) => [input.custom_id, input.value] as const)));
}
