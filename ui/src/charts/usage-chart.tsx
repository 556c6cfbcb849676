import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageMetric } from '../usage/usage-metrics.ts';
import type { UsagePeriod } from '../usage/usage-queries.ts';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
/** 2026-12-03 as "3". */
const dayOfMonth = (day: string) => String(Number(day.slice(8, 10)));
const longDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** One metric, a bar a day. Recharts lives in this chunk alone: only the usage screen loads it. */
export function UsageChart({ metric, days }: { metric: UsageMetric; days: UsagePeriod[] }) {
  return (
    <div className="h-48 w-full text-xs" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="var(--color-border)" />
          <XAxis dataKey="period" tickFormatter={dayOfMonth} tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={8} stroke="var(--color-muted-foreground)" />
          <YAxis tickFormatter={(v: number) => compact.format(v)} tickLine={false} axisLine={false} width={40} stroke="var(--color-muted-foreground)" allowDecimals={metric.key === 'session_hours'} />
          <Tooltip
            cursor={{ fill: 'var(--color-accent)' }}
            labelFormatter={(day) => longDay(String(day))}
            formatter={(value) => [metric.format(Number(value)), metric.label]}
            contentStyle={{ background: 'var(--color-card)', border: '1px solid var(--color-border)', borderRadius: 6, color: 'var(--color-foreground)' }}
          />
          <Bar dataKey={metric.key} fill="var(--color-primary)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
