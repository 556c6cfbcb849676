import { planAllowing, type EffectiveLimits, type Limits } from '@glyphoxa/db';
import { ApiError } from '../errors.ts';

const NOUNS: Partial<Record<keyof Limits, string>> = { npcs: 'NPCs', seats: 'seats' };

/**
 * The 402 for a count the plan does not allow more of (`held` now, `adding` asked for), naming
 * the cheapest plan that allows them all.
 */
export function planLimitError(effective: EffectiveLimits, limit: 'npcs' | 'seats', held: number, adding = 1): ApiError {
  const more = planAllowing(limit, held + adding - 1);
  const upgrade = more ? `the ${more.tier} plan allows ${adding === 1 ? 'more' : 'that many'}` : `no plan allows ${adding === 1 ? 'more' : 'that many'}`;
  const asked = adding === 1 ? '' : `; ${adding} more would make ${held + adding}`;
  return new ApiError(402, 'plan_limit', `Your ${effective.plan ?? 'current'} plan allows ${effective.limits[limit]} ${NOUNS[limit]} and you have ${held}${asked}; ${upgrade}.`);
}
