import { cn } from '../lib/cn.ts';
import { USAGE_METRICS } from './usage-metrics.ts';

const hours = USAGE_METRICS[0]!.format;

/** Session hours of a month against its quota: a meter, and the words for it. */
export function QuotaMeter({ used, quota, label }: { used: number; quota: number | null; label: string }) {
  if (quota === null) {
    return (
      <p className="text-sm">
        <span className="font-semibold">{hours(used)}</span> used <span className="text-muted-foreground">· no monthly limit</span>
      </p>
    );
  }
  const share = quota === 0 ? 1 : Math.min(1, used / quota);
  const tone = share >= 1 ? 'bg-destructive' : share >= 0.8 ? 'bg-amber-500' : 'bg-primary';
  return (
    <div className="flex flex-col gap-1.5">
      <p className="text-sm">
        <span className="font-semibold">{hours(used)}</span> of {hours(quota)} used
        <span className="text-muted-foreground"> · {hours(Math.max(0, quota - used))} left</span>
      </p>
      <div role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={quota} aria-valuenow={Math.min(used, quota)} aria-valuetext={`${hours(used)} of ${hours(quota)}`} className="h-2.5 overflow-hidden rounded-full bg-muted">
        <div className={cn('h-full rounded-full', tone)} style={{ width: `${share * 100}%` }} />
      </div>
      {share >= 1 && <p className="text-sm text-destructive">The month's hours are used up: new sessions are refused until next month, or until an owner raises the plan.</p>}
    </div>
  );
}
