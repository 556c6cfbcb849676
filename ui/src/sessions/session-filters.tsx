import { useNavigate } from '@tanstack/react-router';
import { useId } from 'react';
import type { Campaign } from '../campaigns/campaign-queries.ts';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';
import type { SessionFilters } from './session-queries.ts';
import { STATE_NAMES } from './session-words.ts';
import { cn } from '../lib/cn.ts';
import { SELECT_CLASS } from '../settings/role-options.tsx';

/** The history's filters as the screen's URL holds them (days are UTC, both ends included). */
export interface FilterSearch {
  state?: 'pending' | 'active' | 'ended';
  campaign?: string;
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;

/** The list route's query for these filters: `to` is the day after the last one asked for (the edge's `to` is exclusive). */
export function listFilters(search: FilterSearch): SessionFilters {
  return {
    ...(search.state ? { state: search.state } : {}),
    ...(search.campaign ? { campaign_id: search.campaign } : {}),
    ...(search.from ? { from: `${search.from}T00:00:00Z` } : {}),
    ...(search.to ? { to: new Date(Date.parse(`${search.to}T00:00:00Z`) + DAY_MS).toISOString() } : {}),
  };
}

const select = cn(SELECT_CLASS, 'w-full');

/** Narrows the history by state, campaign and start day; each change lands in the URL, so a reload or a shared link keeps it. */
export function SessionFiltersForm({ tenantId, search, campaigns }: { tenantId: string; search: FilterSearch; campaigns: Campaign[] }) {
  const id = useId();
  const navigate = useNavigate();
  const set = (change: Partial<FilterSearch>) =>
    void navigate({ to: '/teams/$tenantId/sessions', params: { tenantId }, search: (s) => ({ ...s, ...change, session: undefined }), replace: true });
  const filtered = Boolean(search.state || search.campaign || search.from || search.to);
  return (
    <form aria-label="Filter sessions" className="grid gap-3 sm:grid-cols-[repeat(4,minmax(0,1fr))_auto] sm:items-end" onSubmit={(e) => e.preventDefault()}>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-state`}>State</Label>
        <select id={`${id}-state`} className={select} value={search.state ?? ''} onChange={(e) => set({ state: (e.target.value || undefined) as FilterSearch['state'] })}>
          <option value="">Any state</option>
          {(Object.keys(STATE_NAMES) as Array<keyof typeof STATE_NAMES>).map((s) => (
            <option key={s} value={s}>
              {STATE_NAMES[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-campaign`}>Campaign</Label>
        <select id={`${id}-campaign`} className={select} value={search.campaign ?? ''} onChange={(e) => set({ campaign: e.target.value || undefined })}>
          <option value="">Any campaign</option>
          {campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-from`}>Started from</Label>
        <Input id={`${id}-from`} type="date" value={search.from ?? ''} max={search.to} onChange={(e) => set({ from: e.target.value || undefined })} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${id}-to`}>Started until</Label>
        <Input id={`${id}-to`} type="date" value={search.to ?? ''} min={search.from} onChange={(e) => set({ to: e.target.value || undefined })} />
      </div>
      <Button type="button" variant="outline" disabled={!filtered} onClick={() => set({ state: undefined, campaign: undefined, from: undefined, to: undefined })}>
        Clear filters
      </Button>
    </form>
  );
}
