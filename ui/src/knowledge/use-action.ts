import { useState } from 'react';

/** One button's or form's request: pending while it runs, its failure kept to show beside it. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const run = async (work: () => Promise<void>): Promise<void> => {
    setPending(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(error);
    } finally {
      setPending(false);
    }
  };
  return { pending, failure, run };
}

export const controlClass = 'h-10 rounded-md border border-input bg-background px-3 text-sm disabled:opacity-50';
export const areaClass = 'flex min-h-32 w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-sm disabled:opacity-50';
