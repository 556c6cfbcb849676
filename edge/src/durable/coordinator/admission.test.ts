import { describe, expect, it } from 'vitest';
import { admit, sessionsThisMonth, type AdmissionInput } from './admission.ts';

const base: AdmissionInput = {
  live: [],
  guildId: 'g1',
  limits: { monthlySessions: 2, monthlySessionHours: 8, maxConcurrentSessions: 2 },
  sessionsThisMonth: 0,
  hoursUsed: 0,
  hasBotToken: true,
};
const code = (input: Partial<AdmissionInput>) => {
  const outcome = admit({ ...base, ...input });
  return outcome.ok ? outcome.value : outcome.code;
};

describe('whether a session may start', () => {
  it('starts on Discord with a bot token, in the browser without one', () => {
    expect(code({})).toBe('discord');
    expect(code({ hasBotToken: false })).toBe('websocket');
    expect(code({ transport: 'websocket' })).toBe('websocket');
  });

  it('refuses a second live session in the same guild, naming it', () => {
    const outcome = admit({ ...base, live: [{ id: 's1', guildId: 'g1' }] });
    expect(outcome).toMatchObject({ ok: false, status: 409, code: 'guild_session_live' });
    expect(!outcome.ok && outcome.message).toContain('s1');
    expect(code({ live: [{ id: 's1', guildId: 'g2' }] })).toBe('discord');
  });

  it("refuses past the plan's sessions at once", () => {
    expect(code({ live: [{ id: 's1', guildId: 'g2' }, { id: 's2', guildId: 'g3' }] })).toBe('concurrency_limit');
  });

  it("refuses once the month's hours are used, with 402; unlimited plans never", () => {
    expect(admit({ ...base, hoursUsed: 8 })).toMatchObject({ ok: false, status: 402, code: 'quota_exhausted' });
    expect(code({ hoursUsed: 7.99 })).toBe('discord');
    expect(code({ hoursUsed: 1_000, limits: { monthlySessions: null, monthlySessionHours: null, maxConcurrentSessions: 1 } })).toBe('discord');
  });

  it("refuses once the month's sessions are started, with 402; unlimited plans never", () => {
    expect(admit({ ...base, sessionsThisMonth: 2 })).toMatchObject({ ok: false, status: 402, code: 'monthly_sessions_exhausted' });
    expect(code({ sessionsThisMonth: 1 })).toBe('discord');
    expect(code({ sessionsThisMonth: 50, limits: { ...base.limits, monthlySessions: null } })).toBe('discord');
  });

  it("counts this month's sessions once each, whether Postgres, the coordinator or both know them", () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    const live = [
      { id: 'written', createdAt: now },
      { id: 'reserved', createdAt: now },
      { id: 'since-november', createdAt: Date.parse('2026-11-30T23:00:00Z') },
    ];
    expect(sessionsThisMonth({ started: 3, unended: ['written'] }, live, '2026-12')).toBe(4);
    expect(sessionsThisMonth({ started: 1, unended: ['zombie'] }, [], '2026-12')).toBe(1);
  });

  it('puts no bound on sessions at once when the limit is null (self-hosted)', () => {
    const live = Array.from({ length: 50 }, (_, i) => ({ id: `s${i}`, guildId: `other${i}` }));
    expect(code({ live, limits: { monthlySessions: null, monthlySessionHours: null, maxConcurrentSessions: null } })).toBe('discord');
  });

  it('refuses Discord voice without a bot token', () => {
    expect(code({ hasBotToken: false, transport: 'discord' })).toBe('no_bot_token');
  });

  it('names the first thing to fix when several are wrong', () => {
    expect(code({ live: [{ id: 's1', guildId: 'g1' }, { id: 's2', guildId: 'g2' }], hoursUsed: 9, hasBotToken: false, transport: 'discord' })).toBe('guild_session_live');
    expect(code({ live: [{ id: 's1', guildId: 'g2' }, { id: 's2', guildId: 'g3' }], hoursUsed: 9 })).toBe('concurrency_limit');
  });
});
