import { Skeleton } from '../ui/skeleton.tsx';

/**
 * While a screen's code or data loads (a reload restoring the sign-in first): its outline, and
 * a word said and shown, so the visitor sees the page is on its way rather than a blank one.
 */
export function PageLoading() {
  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-4 p-6" role="status" aria-live="polite">
      <p className="text-sm text-muted-foreground">Loading…</p>
      <Skeleton className="h-8 w-56" />
      <Skeleton className="h-32 w-full" />
      <Skeleton className="h-32 w-full" />
    </div>
  );
}
