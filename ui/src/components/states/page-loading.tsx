import { Skeleton } from '../ui/skeleton.tsx';

/** While a screen's code or data loads: its outline, and a word for screen readers. */
export function PageLoading() {
  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-4 p-6" role="status" aria-live="polite">
      <span className="sr-only">Loading…</span>
      <Skeleton className="h-8 w-56" />
      <Skeleton className="h-32 w-full" />
      <Skeleton className="h-32 w-full" />
    </div>
  );
}
