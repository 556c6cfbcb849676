/** What the API says is set up for a new DM, read afresh on every visit (so a reload resumes). */
export interface SetupState {
  campaigns: number;
  bot: { has_bot_token: boolean; discord_application_id: string | null; discord_public_key: string | null };
  /** The guilds (Discord servers) chosen for the bot's slash commands. */
  guilds: number;
  npcs: number;
  /**
   * The plan: `off` where the installation does not bill (the step is not shown), `chosen` once
   * a paid plan is in force or Apprentice was chosen, else `open`.
   */
  plan: 'off' | 'open' | 'chosen';
}

export const ONBOARDING_STEPS = [
  { id: 'campaign', title: 'Name your first campaign' },
  { id: 'bot', title: 'Add your Discord bot' },
  { id: 'guilds', title: 'Pick your servers' },
  { id: 'plan', title: 'Choose a plan' },
  { id: 'npc', title: 'Create your first NPC' },
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number]['id'] | 'done';

const isDone: Record<Exclude<OnboardingStep, 'done'>, (s: SetupState) => boolean> = {
  campaign: (s) => s.campaigns > 0,
  bot: (s) => s.bot.has_bot_token && s.bot.discord_application_id !== null && s.bot.discord_public_key !== null,
  guilds: (s) => s.guilds > 0,
  plan: (s) => s.plan !== 'open',
  npc: (s) => s.npcs > 0,
};

/** The steps this installation has: no plan to choose where it does not bill. */
export const stepsFor = (state: Pick<SetupState, 'plan'>) => ONBOARDING_STEPS.filter((step) => step.id !== 'plan' || state.plan !== 'off');

/** The first step not yet done: each waits for the one before, none is skipped. */
export function currentStep(state: SetupState): OnboardingStep {
  return stepsFor(state).find((step) => !isDone[step.id](state))?.id ?? 'done';
}

/** The URL Discord's developer portal is given as the application's Interactions Endpoint (edge/src/routes/discord.ts). */
export const interactionsEndpointUrl = (origin: string, tenantId: string) => `${origin}/discord/${encodeURIComponent(tenantId)}/interactions`;

/**
 * What a bot needs in a server: see the channels (View Channel 1<<10), answer commands (Send
 * Messages 1<<11), join and speak in voice (Connect 1<<20, Speak 1<<21).
 */
const BOT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 20) | (1 << 21);

/** Discord's page that adds the application's bot, with its slash commands, to a server the DM manages. */
export const botInviteUrl = (applicationId: string) =>
  `https://discord.com/oauth2/authorize?${new URLSearchParams({ client_id: applicationId, scope: 'bot applications.commands', permissions: String(BOT_PERMISSIONS) })}`;
