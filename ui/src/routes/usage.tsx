import { useMutation, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useParams, useSearch } from '@tanstack/react-router';
import { ChevronLeft, ChevronRight, Download } from 'lucide-react';
import { nextStep } from '../api/errors.ts';
import { TeamNav } from '../components/layout/team-nav.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { QuotaMeter } from '../usage/quota-meter.tsx';
import { UsageChart } from '../charts/usage-chart.tsx';
import { monthName, monthOf, shiftMonth, totalOf, USAGE_METRICS } from '../usage/usage-metrics.ts';
import { downloadUsageCsv, usageQuery } from '../usage/usage-queries.ts';

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A team's usage in one UTC month: against its quota, a chart a day per metric, the figures as a table and as CSV. */
function Usage() {
  const { tenantId } = useParams({ from: '/signed-in/teams/$tenantId/usage' });
  const current = monthOf(new Date());
  // The table stops at today; the charts keep the whole month's axis.
  const today = new Date().toISOString().slice(0, 10);
  const month = useSearch({ from: '/signed-in/teams/$tenantId/usage' }).month ?? current;
  const query = { granularity: 'day', from: month } as const;
  const { data: usage } = useSuspenseQuery(usageQuery(tenantId, query));
  const exporting = useMutation({ mutationFn: () => downloadUsageCsv(tenantId, query) });
  const days = usage.periods;
  const quiet = days.every((d) => USAGE_METRICS.every((m) => d[m.key] === 0));
  const title = monthName(month);
  return (
    <>
      <TeamNav tenantId={tenantId} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Usage</h1>
        <nav aria-label="Month" className="flex items-center gap-1">
          <Button asChild variant="outline" size="icon">
            <Link to="/teams/$tenantId/usage" params={{ tenantId }} search={{ month: shiftMonth(month, -1) }} aria-label={`Previous month, ${monthName(shiftMonth(month, -1))}`}>
              <ChevronLeft aria-hidden="true" />
            </Link>
          </Button>
          <span className="min-w-36 text-center font-medium" aria-live="polite">
            {title}
          </span>
          {month < current ? (
            <Button asChild variant="outline" size="icon">
              <Link to="/teams/$tenantId/usage" params={{ tenantId }} search={{ month: shiftMonth(month, 1) }} aria-label={`Next month, ${monthName(shiftMonth(month, 1))}`}>
                <ChevronRight aria-hidden="true" />
              </Link>
            </Button>
          ) : (
            <Button variant="outline" size="icon" disabled aria-label="Next month (not yet)">
              <ChevronRight aria-hidden="true" />
            </Button>
          )}
        </nav>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Session hours against the quota</CardTitle>
          <CardDescription>
            {usage.quota.max_concurrent_sessions === null ? 'No limit on sessions at once.' : `Up to ${usage.quota.max_concurrent_sessions} session${usage.quota.max_concurrent_sessions === 1 ? '' : 's'} at once.`} Hours count in the UTC month they were spent.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <QuotaMeter used={totalOf(days, 'session_hours')} quota={usage.quota.monthly_session_hours} label={`Session hours used in ${title}`} />
          <div className="flex flex-wrap items-center gap-3">
            <Button variant="outline" onClick={() => exporting.mutate()} disabled={exporting.isPending}>
              <Download aria-hidden="true" />
              {exporting.isPending ? 'Preparing the CSV…' : 'Export CSV'}
            </Button>
            <span className="text-sm text-muted-foreground">One line a day of {title}, every metric.</span>
          </div>
          {exporting.error && (
            <Alert tone="error">
              The export did not complete: {exporting.error.message}. {nextStep(exporting.error)}
            </Alert>
          )}
        </CardContent>
      </Card>

      {quiet && (
        <Alert>
          Nothing was used in {title}. Usage appears here a day at a time once a session runs: start one from the Sessions screen, or with /session start in Discord.
        </Alert>
      )}

      <div className="grid gap-4 md:grid-cols-2">
        {USAGE_METRICS.map((metric) => (
          <Card key={metric.key} aria-labelledby={`usage-${metric.key}`}>
            <CardHeader className="pb-2 sm:pb-2">
              <CardTitle id={`usage-${metric.key}`} className="text-base">
                {metric.label}
              </CardTitle>
              <CardDescription>
                <span className="text-lg font-semibold text-foreground">{metric.format(totalOf(days, metric.key))}</span> in {title}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <UsageChart metric={metric} days={days} />
            </CardContent>
          </Card>
        ))}
      </div>

      <details className="rounded-lg border bg-card">
        <summary className="cursor-pointer p-4 text-sm font-medium">The figures, day by day</summary>
        <div className="overflow-x-auto border-t">
          <table className="w-full text-right text-sm tabular-nums">
            <caption className="sr-only">Usage per day in {title}</caption>
            <thead className="bg-muted">
              <tr>
                <th scope="col" className="p-2 text-left font-medium">Day</th>
                {USAGE_METRICS.map((m) => (
                  <th key={m.key} scope="col" className="p-2 font-medium">
                    {m.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y">
              {days.filter((d) => d.period <= today).map((d) => (
                <tr key={d.period}>
                  <th scope="row" className="p-2 text-left font-normal">
                    {shortDay(d.period)}
                  </th>
                  {USAGE_METRICS.map((m) => (
                    <td key={m.key} className="p-2">
                      {m.format(d[m.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

export const route = createLazyRoute('/signed-in/teams/$tenantId/usage')({ component: Usage });
