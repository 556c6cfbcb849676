import { notAvailableYet, type SlashCommand } from '../command.ts';

export const feedbackCommand: SlashCommand = {
  definition: { name: 'feedback', description: 'Tell us how the session went (opens a form)' },
  handlers: { '': notAvailableYet },
};
