import type { SessionView } from './session-queries.ts';

/** How the dashboard words a session's state, times and length. */

export const STATE_NAMES: Record<SessionView['state'], string> = { pending: 'Starting', active: 'Running', ended: 'Ended' };

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** "1 h 05 min" / "12 min" / "40 s", from its start to its end (or now, while it runs). */
export function lengthOf(session: Pick<SessionView, 'started_at' | 'ended_at'>, now = Date.now()): string {
  const seconds = Math.max(0, Math.round(((session.ended_at ? Date.parse(session.ended_at) : now) - Date.parse(session.started_at)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Why a session ended, in words ("stopped by user"). */
export const endReasonWords = (reason: SessionView['end_reason']) => (reason ? reason.replace(/_/g, ' ') : null);
