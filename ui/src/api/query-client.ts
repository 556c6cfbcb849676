import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from './errors.ts';

/** Server state for the whole app; the router's loaders fill it too. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal will not change on retry; a dropped connection may.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiRequestError && error.status < 500),
    },
  },
});
