import { TRANSCRIPT_NODE_BUDGET, TRANSCRIPT_SESSION_BUDGET } from '@glyphoxa/protocol';
import { describe, expect, it } from 'vitest';
import { TranscriptBudgets } from './transcript-budget.ts';

describe('transcript budgets', () => {
  it("take a session's burst, then its rate, and say how long until the next batch fits", () => {
    const budgets = new TranscriptBudgets();
    const batches = TRANSCRIPT_SESSION_BUDGET.burst / 100;
    for (let i = 0; i < batches; i++) expect(budgets.admit('n1', 's1', 100, 0)).toBe(0);
    // Nothing was taken by a refusal: the wait is for the whole batch, at the session's rate.
    expect(budgets.admit('n1', 's1', 100, 0)).toBe((100 / TRANSCRIPT_SESSION_BUDGET.linesPerSecond) * 1000);
    expect(budgets.admit('n1', 's1', 100, 4990)).toBeGreaterThan(0);
    expect(budgets.admit('n1', 's1', 100, 5000)).toBe(0);
  });

  it("keep one session's flood out of another's budget, but not out of its node's", () => {
    const budgets = new TranscriptBudgets();
    for (let i = 0; i < 3; i++) budgets.admit('n1', 'flood', 100, 0);
    expect(budgets.admit('n1', 'flood', 100, 0)).toBeGreaterThan(0);
    expect(budgets.admit('n2', 'quiet', 100, 0)).toBe(0);
    // Enough sessions on one node spend the node's burst.
    let refused = 0;
    for (let s = 0; s < TRANSCRIPT_NODE_BUDGET.burst / 100 + 1; s++) if (budgets.admit('n3', `s${s}`, 100, 0) > 0) refused++;
    expect(refused).toBe(1);
  });

  it('start again full for a session placed anew and a node connected anew', () => {
    const budgets = new TranscriptBudgets();
    for (let i = 0; i < 4; i++) budgets.admit('n1', 's1', 100, 0);
    budgets.forgetSession('s1');
    expect(budgets.admit('n1', 's1', 100, 0)).toBe(0);
  });
});
