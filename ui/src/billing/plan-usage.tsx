import { cn } from '../lib/cn.ts';
import type { Billing } from './billing-queries.ts';

type Limited = 'monthly_sessions' | 'monthly_session_hours' | 'max_concurrent_sessions' | 'npcs' | 'seats';

const ROWS: Array<{ key: Limited; label: string; unit: (n: number) => string; full: string }> = [
  { key: 'monthly_sessions', label: 'Sessions this month', unit: (n) => `${n} session${n === 1 ? '' : 's'}`, full: 'New sessions are refused until next month.' },
  { key: 'monthly_session_hours', label: 'Session hours this month', unit: (n) => `${Math.round(n * 10) / 10} h`, full: 'New sessions are refused, and running ones end, until next month.' },
  { key: 'max_concurrent_sessions', label: 'Sessions running at once', unit: (n) => `${n} session${n === 1 ? '' : 's'}`, full: 'A further session waits until one ends.' },
  { key: 'npcs', label: 'NPCs', unit: (n) => `${n} NPC${n === 1 ? '' : 's'}`, full: 'New NPCs, and campaigns that bring more, are refused.' },
  { key: 'seats', label: 'Seats (members and pending invites)', unit: (n) => `${n} seat${n === 1 ? '' : 's'}`, full: 'Further invites are refused.' },
];

/** What the team holds this month of each thing its plan limits, as meters; an operator's setting is marked as such. */
export function PlanUsage({ billing }: { billing: Pick<Billing, 'limits' | 'usage'> }) {
  const { limits, usage } = billing;
  return (
    <ul aria-label="Usage against the plan" className="flex flex-col gap-4">
      {ROWS.map((row) => {
        const used = usage[row.key];
        const limit = limits[row.key];
        const overridden = (limits.overridden as string[]).includes(row.key);
        const share = limit === null ? 0 : limit === 0 ? 1 : Math.min(1, used / limit);
        const tone = share >= 1 ? 'bg-destructive' : share >= 0.8 ? 'bg-amber-500' : 'bg-primary';
        return (
          <li key={row.key} className="flex flex-col gap-1.5">
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="font-medium">{row.label}</span>
              <span>
                <span className="font-semibold">{row.unit(used)}</span> {limit === null ? <span className="text-muted-foreground">· unlimited</span> : <>of {row.unit(limit)}</>}
                {overridden && <span className="ml-2 rounded bg-secondary px-1.5 py-0.5 text-xs">set by the operator</span>}
              </span>
            </div>
            {limit !== null && (
              <div role="meter" aria-label={row.label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={Math.min(used, limit)} aria-valuetext={`${row.unit(used)} of ${row.unit(limit)}`} className="h-2 overflow-hidden rounded-full bg-muted">
                <div className={cn('h-full rounded-full', tone)} style={{ width: `${share * 100}%` }} />
              </div>
            )}
            {limit !== null && share >= 1 && <p className="text-sm text-destructive">The plan's limit is reached. {row.full}</p>}
          </li>
        );
      })}
    </ul>
  );
}
