import { periodOf, type Limits, type MonthSessions } from '@glyphoxa/db';
import type { AudioTransportKind } from '@glyphoxa/protocol';
import { refuse, succeed, type Outcome } from '../outcome.ts';

export interface AdmissionInput {
  /** The tenant's live sessions (pending or active), by the guild each runs in. */
  live: ReadonlyArray<{ id: string; guildId: string }>;
  guildId: string;
  limits: Pick<Limits, 'monthlySessions' | 'monthlySessionHours' | 'maxConcurrentSessions'>;
  /** Sessions started this month (`sessionsThisMonth`). */
  sessionsThisMonth: number;
  /** This month's session hours so far, recorded and not yet flushed. */
  hoursUsed: number;
  /** The transport asked for; default `discord` when the tenant has a bot token, else `websocket`. */
  transport?: AudioTransportKind;
  hasBotToken: boolean;
}

/**
 * Whether a new session may start, in the order a DM would fix things: one live session
 * per guild, the plan's sessions at once, the month's sessions and hours, a bot token for Discord voice.
 * The transport the session gets, or the refusal that says what to do.
 */
export function admit(input: AdmissionInput): Outcome<AudioTransportKind> {
  const { limits } = input;
  const sameGuild = input.live.find((s) => s.guildId === input.guildId);
  if (sameGuild) {
    return refuse(409, 'guild_session_live', `This server already has a live session (${sameGuild.id}). Stop it before starting another.`);
  }
  if (limits.maxConcurrentSessions !== null && input.live.length >= limits.maxConcurrentSessions) {
    return refuse(409, 'concurrency_limit', `Your plan allows ${limits.maxConcurrentSessions} session(s) at a time and that many are running. Stop one first, or upgrade your plan.`);
  }
  if (limits.monthlySessions !== null && input.sessionsThisMonth >= limits.monthlySessions) {
    return refuse(402, 'monthly_sessions_exhausted', `Your plan allows ${limits.monthlySessions} session(s) a month and ${input.sessionsThisMonth} were started this month. They renew on the 1st (UTC); upgrade your plan for more.`);
  }
  if (limits.monthlySessionHours !== null && input.hoursUsed >= limits.monthlySessionHours) {
    return refuse(402, 'quota_exhausted', `This month's ${limits.monthlySessionHours} session hours are used up (${input.hoursUsed.toFixed(2)} h). They renew on the 1st (UTC); upgrade your plan for more.`);
  }
  const transport = input.transport ?? (input.hasBotToken ? 'discord' : 'websocket');
  if (transport === 'discord' && !input.hasBotToken) {
    return refuse(409, 'no_bot_token', 'Your Discord bot token is not set, so NPCs cannot join a voice channel. Add it in your settings, or talk to your NPCs from the browser.');
  }
  return succeed(transport);
}

/**
 * This month's sessions: those Postgres has, each of its unended ones counted once with the
 * coordinator's live sessions started this month (a reservation not yet written counts too).
 */
export function sessionsThisMonth(recorded: MonthSessions, live: ReadonlyArray<{ id: string; createdAt: number }>, period: string): number {
  const running = new Set(recorded.unended);
  for (const s of live) if (periodOf(s.createdAt) === period) running.add(s.id);
  return recorded.started - recorded.unended.length + running.size;
}
