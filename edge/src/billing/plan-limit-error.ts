import { planAllowing, type EffectiveLimits, type Limits } from '@glyphoxa/db';
import { ApiError } from '../errors.ts';

const NOUNS: Partial<Record<keyof Limits, string>> = { npcs: 'NPCs', seats: 'seats' };

/** The 402 for a count the plan does not allow more of, naming the cheapest plan that does. */
export function planLimitError(effective: EffectiveLimits, limit: 'npcs' | 'seats', held: number): ApiError {
  const more = planAllowing(limit, held);
  const upgrade = more ? `the ${more.tier} plan allows more` : 'no plan allows more';
  return new ApiError(402, 'plan_limit', `Your ${effective.plan ?? 'current'} plan allows ${effective.limits[limit]} ${NOUNS[limit]} and you have ${held}; ${upgrade}.`);
}
