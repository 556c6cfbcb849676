import type { TenantSettings } from '../onboarding/onboarding-queries.ts';

const limit = (value: number | null, unit: string) => (value === null ? 'unlimited' : `${value} ${unit}`);

/** What a tenant works under now, each limit as a number or unlimited (the edge's effective limits). */
export function LimitsList({ limits }: { limits: TenantSettings['limits'] }) {
  return (
    <dl aria-label="Limits" className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
      {(
        [
          ['Sessions a month', limit(limits.monthly_sessions, 'sessions')],
          ['Session hours a month', limit(limits.monthly_session_hours, 'hours')],
          ['Sessions at once', limit(limits.max_concurrent_sessions, 'sessions')],
          ['NPCs', limit(limits.npcs, 'NPCs')],
          ['Seats', limit(limits.seats, 'members')],
        ] as const
      ).map(([term, value]) => (
        <div key={term} className="flex justify-between gap-4 border-b py-1">
          <dt className="text-muted-foreground">{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
