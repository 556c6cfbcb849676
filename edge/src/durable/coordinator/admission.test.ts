import { describe, expect, it } from 'vitest';
import { admit, type AdmissionInput } from './admission.ts';

const base: AdmissionInput = {
  live: [],
  guildId: 'g1',
  limits: { monthlySessionHours: 8, maxConcurrentSessions: 2 },
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
    expect(code({ hoursUsed: 1_000, limits: { monthlySessionHours: null, maxConcurrentSessions: 1 } })).toBe('discord');
  });

  it('puts no bound on sessions at once when the limit is null (self-hosted)', () => {
    const live = Array.from({ length: 50 }, (_, i) => ({ id: `s${i}`, guildId: `other${i}` }));
    expect(code({ live, limits: { monthlySessionHours: null, maxConcurrentSessions: null } })).toBe('discord');
  });

  it('refuses Discord voice without a bot token', () => {
    expect(code({ hasBotToken: false, transport: 'discord' })).toBe('no_bot_token');
  });

  it('names the first thing to fix when several are wrong', () => {
    expect(code({ live: [{ id: 's1', guildId: 'g1' }, { id: 's2', guildId: 'g2' }], hoursUsed: 9, hasBotToken: false, transport: 'discord' })).toBe('guild_session_live');
    expect(code({ live: [{ id: 's1', guildId: 'g2' }, { id: 's2', guildId: 'g3' }], hoursUsed: 9 })).toBe('concurrency_limit');
  });
});
