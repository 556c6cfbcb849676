import type { UsagePeriod } from './usage-queries.ts';

/** The metered quantities, as the dashboard names and writes them. */
export interface UsageMetric {
  key: 'session_hours' | 'llm_tokens' | 'stt_seconds' | 'tts_chars' | 'tool_calls';
  label: string;
  /** A value written out in full, with its unit. */
  format: (value: number) => string;
}

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const hundredths = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const USAGE_METRICS: UsageMetric[] = [
  { key: 'session_hours', label: 'Session hours', format: (h) => `${hundredths.format(h)} h` },
  { key: 'llm_tokens', label: 'LLM tokens', format: (n) => `${whole.format(n)} tokens` },
  { key: 'stt_seconds', label: 'Speech-to-text seconds', format: (s) => `${tenths.format(s)} s` },
  { key: 'tts_chars', label: 'Text-to-speech characters', format: (n) => `${whole.format(n)} characters` },
  { key: 'tool_calls', label: 'NPC tool calls', format: (n) => `${whole.format(n)} ${n === 1 ? 'call' : 'calls'}` },
];

/** A metric's sum over periods. */
export const totalOf = (periods: UsagePeriod[], key: UsageMetric['key']) => periods.reduce((sum, p) => sum + p[key], 0);

/** `YYYY-MM` of a moment, in UTC (the edge's periods are UTC months). */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);

/** The month `delta` months from `month`. */
export function shiftMonth(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return monthOf(new Date(Date.UTC(year, m - 1 + delta, 1)));
}

/** "December 2026" for `2026-12`. */
export const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
