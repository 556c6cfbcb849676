import { describe, expect, it } from 'vitest';
import { lengthOf } from './session-words.ts';

describe('a session’s length in words', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 18, 0, s)).toISOString();
  it('is seconds, minutes, or hours and minutes; a running one is measured to now', () => {
    expect(lengthOf({ started_at: at(0), ended_at: at(40) })).toBe('40 s');
    expect(lengthOf({ started_at: at(0), ended_at: at(12 * 60 + 5) })).toBe('12 min');
    expect(lengthOf({ started_at: at(0), ended_at: at(3900) })).toBe('1 h 05 min');
    expect(lengthOf({ started_at: at(0), ended_at: null }, Date.parse(at(90)))).toBe('1 min');
  });
});
