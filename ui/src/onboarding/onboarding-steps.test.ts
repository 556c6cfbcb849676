import { describe, expect, it } from 'vitest';
import { currentStep, interactionsEndpointUrl, type SetupState } from './onboarding-steps.ts';

const bot = { has_bot_token: true, discord_application_id: '123456789012345678', discord_public_key: 'ab'.repeat(32) };
const noBot = { has_bot_token: false, discord_application_id: null, discord_public_key: null };
const state = (s: Partial<SetupState>): SetupState => ({ campaigns: 0, bot: noBot, npcs: 0, ...s });

describe('currentStep', () => {
  it('starts at the campaign, then the bot, then the NPC, then done', () => {
    expect(currentStep(state({}))).toBe('campaign');
    expect(currentStep(state({ campaigns: 1 }))).toBe('bot');
    expect(currentStep(state({ campaigns: 1, bot }))).toBe('npc');
    expect(currentStep(state({ campaigns: 1, bot, npcs: 2 }))).toBe('done');
  });

  it('skips nothing: a bot without its public key, or an NPC before a campaign, is not done', () => {
    expect(currentStep(state({ campaigns: 1, bot: { ...bot, discord_public_key: null } }))).toBe('bot');
    expect(currentStep(state({ campaigns: 1, bot: { ...bot, has_bot_token: false }, npcs: 1 }))).toBe('bot');
    expect(currentStep(state({ bot, npcs: 1 }))).toBe('campaign');
  });
});

describe('interactionsEndpointUrl', () => {
  it("is the edge's Discord door for the tenant", () => {
    expect(interactionsEndpointUrl('https://edge.example', 'dm-1a2b')).toBe('https://edge.example/discord/dm-1a2b/interactions');
  });
});
