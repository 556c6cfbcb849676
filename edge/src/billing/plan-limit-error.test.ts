import { effectiveLimits } from '@glyphoxa/db';
import { describe, expect, it } from 'vitest';
import { planLimitError } from './plan-limit-error.ts';

const on = (tier: 'apprentice' | 'guild') =>
  effectiveLimits({ tenant: { tier, monthlySessionHours: null, maxConcurrentSessions: null }, subscription: null, billing: 'enabled', now: 0 });

describe('plan limit refusals', () => {
  it('are 402 naming the cheapest plan that allows more', () => {
    const error = planLimitError(on('apprentice'), 'npcs', 2);
    expect(error).toMatchObject({ status: 402, code: 'plan_limit' });
    expect(error.message).toBe('Your apprentice plan allows 2 NPCs and you have 2; the adventurer plan allows more.');
    expect(planLimitError(on('apprentice'), 'seats', 1).message).toMatch(/the dungeon_master plan allows more/);
  });

  it('name the plan that allows all of several NPCs at once (a campaign file or archive)', () => {
    const error = planLimitError(on('apprentice'), 'npcs', 1, 12);
    expect(error.message).toBe('Your apprentice plan allows 2 NPCs and you have 1; 12 more would make 13; the dungeon_master plan allows that many.');
    expect(planLimitError(on('apprentice'), 'npcs', 0, 5).message).toMatch(/the adventurer plan allows that many/);
  });

  it('say so when no plan allows more', () => {
    expect(planLimitError(on('guild'), 'seats', 5).message).toMatch(/no plan allows more/);
  });
});
