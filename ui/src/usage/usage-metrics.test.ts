import { describe, expect, it } from 'vitest';
import { shiftMonth, totalOf } from './usage-metrics.ts';

describe('the usage screen’s months and totals', () => {
  it('steps months across years, both ways', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-03', -14)).toBe('2025-01');
  });

  it('adds a metric over the days', () => {
    const day = (period: string, hours: number) => ({ period, session_hours: hours, llm_tokens: 0, stt_seconds: 0, tts_chars: 0, tool_calls: 0, quota_hours: null, remaining_hours: null });
    expect(totalOf([day('2026-12-01', 0.5), day('2026-12-02', 0), day('2026-12-03', 2)], 'session_hours')).toBe(2.5);
  });
});
