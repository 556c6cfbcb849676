import { describe, expect, it } from 'vitest';
import { USAGE_PER_SESSION_HOUR, usageOverBound } from '../src/usage-bounds.ts';

const none = { llmTokens: 0, sttSeconds: 0, ttsChars: 0, toolCalls: 0 };

describe("what a session may use by its time, as its node reports it", () => {
  it.each([
    { when: 'a busy first minute', totals: { llmTokens: 50_000, sttSeconds: 60, ttsChars: 8_000, toolCalls: 40 }, hours: 1 / 60, over: undefined },
    { when: 'an hour at the bound', totals: USAGE_PER_SESSION_HOUR, hours: 1, over: undefined },
    { when: 'more tokens than an hour allows', totals: { ...none, llmTokens: USAGE_PER_SESSION_HOUR.llmTokens + 1 }, hours: 1, over: 'llmTokens' },
    { when: 'a first minute claiming a whole hour of speech', totals: { ...none, sttSeconds: USAGE_PER_SESSION_HOUR.sttSeconds }, hours: 1 / 60, over: 'sttSeconds' },
    { when: 'a model calling tools in a loop for an hour', totals: { ...none, toolCalls: USAGE_PER_SESSION_HOUR.toolCalls + 1 }, hours: 1, over: 'toolCalls' },
    { when: '1e19 tokens', totals: { ...none, llmTokens: 1e19 }, hours: 100, over: 'llmTokens' },
  ])('$when', ({ totals, hours, over }) => {
    expect(usageOverBound(totals, hours)).toBe(over);
  });
});
