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

export const InteractionSchema = v.object({
  id: Snowflake,
  application_id: Snowflake,
  type: v.pipe(v.number(), v.integer()),
  token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1000)),
  guild_id: v.optional(Snowflake),
  member: v.optional(v.object({ user: v.object({ id: Snowflake }), roles: v.array(Snowflake) })),
  user: v.optional(v.object({ id: Snowflake })),
  data: v.optional(
    v.object({
      name: v.pipe(v.string(), v.maxLength(32)),
      options: v.optional(v.pipe(v.array(OptionSchema), v.maxLength(25))),
    }),
  ),
});

export type Interaction = v.InferOutput<typeof InteractionSchema>;
