import { queryOptions } from '@tanstack/react-query';
import type { InferRequestType, InferResponseType } from 'hono/client';
import { api } from '../api/client.ts';

/** A tenant's usage, read through the typed client (edge/src/routes/api/usage.ts). */

const usage = api.tenants[':id'].usage;
export type UsageView = InferResponseType<typeof usage.$get, 200>;
export type UsagePeriod = UsageView['periods'][number];
export type UsageRequest = NonNullable<InferRequestType<typeof usage.$get>['query']>;

export const usageKeys = { all: (tenantId: string) => ['tenants', tenantId, 'usage'] as const };

/** Months (default: this one) or, with `granularity: 'day'`, every day of the range. */
export const usageQuery = (tenantId: string, query: UsageRequest = {}) =>
  queryOptions({
    queryKey: [...usageKeys.all(tenantId), query] as const,
    queryFn: async (): Promise<UsageView> => (await usage.$get({ param: { id: tenantId }, query })).json(),
  });

/** The same usage as the edge's CSV, saved by the browser under the edge's file name. */
export async function downloadUsageCsv(tenantId: string, query: UsageRequest): Promise<void> {
  const res = await usage.export.$get({ param: { id: tenantId }, query });
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `usage-${tenantId}.csv`;
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
