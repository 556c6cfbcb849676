import { recordFeedback } from '@glyphoxa/db';
import * as v from 'valibot';
import { InputStyle } from '../api-constants.ts';
import { defer, modal, reply, type Modal, type ModalHandler, type SlashCommand } from '../command.ts';
import { inputRow } from '../components.ts';
import { guildSession } from '../guild-session.ts';

const FORM_ID = 'feedback';
/** Well under the column's 4000: a form, not an essay. */
const MAX_COMMENTS = 1000;

/** The four ratings, by the text input's custom_id (the column's name). */
const RATINGS = [
  { id: 'latency', label: 'Latency (1-5)', name: 'Latency' },
  { id: 'personality', label: 'NPC personality (1-5)', name: 'NPC personality' },
  { id: 'memory', label: 'Memory (1-5)', name: 'Memory' },
  { id: 'dm_workflow', label: 'DM workflow (1-5)', name: 'DM workflow' },
] as const;

/** Discord allows five rows in a modal: the four ratings and the comments fill them. */
const form: Modal = {
  custom_id: FORM_ID,
  title: 'How did the session go?',
  components: [
    ...RATINGS.map(({ id, label }) =>
      inputRow({ custom_id: id, style: InputStyle.Short, label, min_length: 1, max_length: 1, required: true, placeholder: '1 (poor) to 5 (great)' }),
    ),
    inputRow({ custom_id: 'comments', style: InputStyle.Paragraph, label: 'Comments', required: false, max_length: MAX_COMMENTS }),
  ],
};

/** A rating left out reads as blank, so that it too is refused by its name. */
const rating = (name: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[1-5]$/, `${name} must be a whole number from 1 to 5`), v.transform(Number)), '');

/** What a player typed, checked: Discord enforces the lengths, not the digits. */
const FormSchema = v.object({
  latency: rating(RATINGS[0].name),
  personality: rating(RATINGS[1].name),
  memory: rating(RATINGS[2].name),
  dm_workflow: rating(RATINGS[3].name),
  comments: v.optional(
    v.pipe(v.string(), v.trim(), v.maxLength(MAX_COMMENTS, `Comments must be at most ${MAX_COMMENTS} characters`), v.transform((text) => text || null)),
    '',
  ),
});

const submit: ModalHandler = (ctx, values) => {
  const parsed = v.safeParse(FormSchema, Object.fromEntries(values));
  if (!parsed.success) return reply(`Feedback not recorded: ${parsed.issues.map((issue) => issue.message).join('; ')}.`);
  const { dm_workflow: dmWorkflow, ...answers } = parsed.output;
  return defer(async () => {
    const session = await guildSession(ctx);
    await recordFeedback(ctx.db(), ctx.tenant.id, { ...answers, dmWorkflow, userId: ctx.userId, sessionId: session?.id ?? null });
    return 'Thanks — feedback recorded';
  });
};

export const feedbackCommand: SlashCommand = {
  definition: { name: 'feedback', description: 'Tell us how the session went (opens a form)' },
  handlers: { '': () => modal(form) },
  modals: { [FORM_ID]: submit },
};
