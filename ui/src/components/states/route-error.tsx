import type { ErrorComponentProps } from '@tanstack/react-router';
import { ErrorState } from './error-state.tsx';

/** A screen that failed to load or render (a chunk missing after a deploy, say). */
export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <main id="main" className="mx-auto w-full max-w-3xl p-6">
      <ErrorState error={error} title="This page could not be shown" onRetry={reset} />
    </main>
  );
}
