import { describe, expect, it } from 'vitest';
import { botInviteUrl, currentStep, interactionsEndpointUrl, stepsFor, type SetupState } from './onboarding-steps.ts';

const bot = { has_bot_token: true, discord_application_id: '123456789012345678', discord_public_key: 'ab'.repeat(32) };
const noBot = { has_bot_token: false, discord_application_id: null, discord_public_key: null };
const state = (s: Partial<SetupState>): SetupState => ({ campaigns: 0, bot: noBot, guilds: 0, npcs: 0, plan: 'off', ...s });

describe('currentStep', () => {
  it('starts at the campaign, then the bot, its servers, the NPC, then done', () => {
    expect(currentStep(state({}))).toBe('campaign');
    expect(currentStep(state({ campaigns: 1 }))).toBe('bot');
    expect(currentStep(state({ campaigns: 1, bot }))).toBe('guilds');
    expect(currentStep(state({ campaigns: 1, bot, guilds: 1 }))).toBe('npc');
    expect(currentStep(state({ campaigns: 1, bot, guilds: 2, npcs: 2 }))).toBe('done');
  });

  it('skips nothing: a bot without its public key, servers before a bot, or an NPC before a campaign, is not done', () => {
    expect(currentStep(state({ campaigns: 1, bot: { ...bot, discord_public_key: null } }))).toBe('bot');
    expect(currentStep(state({ campaigns: 1, bot: { ...bot, has_bot_token: false }, guilds: 1, npcs: 1 }))).toBe('bot');
    expect(currentStep(state({ campaigns: 1, bot, npcs: 1 }))).toBe('guilds');
    expect(currentStep(state({ bot, guilds: 1, npcs: 1 }))).toBe('campaign');
  });
});

describe('the plan step', () => {
  const ready = { campaigns: 1, bot, guilds: 1 };
  it('comes between the servers and the first NPC where the installation bills, and is done once a plan is chosen', () => {
    expect(stepsFor({ plan: 'open' }).map((s) => s.id)).toEqual(['campaign', 'bot', 'guilds', 'plan', 'npc']);
    expect(currentStep(state({ ...ready, plan: 'open' }))).toBe('plan');
    expect(currentStep(state({ campaigns: 1, bot, plan: 'chosen' }))).toBe('guilds');
    expect(currentStep(state({ ...ready, plan: 'chosen' }))).toBe('npc');
    expect(currentStep(state({ ...ready, plan: 'open', npcs: 1 }))).toBe('plan');
  });

  it('is not there at all where billing is off', () => {
    expect(stepsFor({ plan: 'off' }).map((s) => s.id)).toEqual(['campaign', 'bot', 'guilds', 'npc']);
    expect(currentStep(state({ ...ready, plan: 'off' }))).toBe('npc');
  });
});

describe('interactionsEndpointUrl', () => {
  it("is the edge's Discord door for the tenant", () => {
    expect(interactionsEndpointUrl('https://edge.example', 'dm-1a2b')).toBe('https://edge.example/discord/dm-1a2b/interactions');
  });
});

describe('botInviteUrl', () => {
  it("asks Discord to add the application's bot and its commands, allowed to see, write, connect and speak", () => {
    const url = new URL(botInviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: '123456789012345678', scope: 'bot applications.commands', permissions: '3148800' });
  });
});
