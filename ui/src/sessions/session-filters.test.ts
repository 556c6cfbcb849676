import { describe, expect, it } from 'vitest';
import { listFilters } from './session-filters.tsx';

describe('the history filters as the list route takes them', () => {
  it('keeps only what was set, the last day included (the route’s `to` is exclusive)', () => {
    expect(listFilters({})).toEqual({});
    expect(listFilters({ state: 'ended', campaign: '7f1c7f43-3c3e-4d8e-9d2a-1b2c3d4e5f60', from: '2026-12-01', to: '2026-12-31' })).toEqual({
      state: 'ended',
      campaign_id: '7f1c7f43-3c3e-4d8e-9d2a-1b2c3d4e5f60',
      from: '2026-12-01T00:00:00Z',
      to: '2027-01-01T00:00:00.000Z',
    });
  });
});
