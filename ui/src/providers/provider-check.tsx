import type { ProviderRole } from '@glyphoxa/db/provider-kinds';
import { CircleCheck, CircleX } from 'lucide-react';
import { useState } from 'react';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';
import { testProvider, type Provider, type ProviderCheck } from './provider-queries.ts';

/** What to do about a vendor's refusal, by its HTTP status. */
function advice(status: number | null): string {
  if (status === 401 || status === 403) return 'Check the API key: replace it with one the vendor accepts.';
  if (status === 404) return 'Check the model name and the base URL.';
  if (status === 429) return 'The vendor is limiting this key: check its quota or billing, then test again.';
  if (status !== null && status >= 500) return 'The vendor had a problem: test again in a moment.';
  if (status === null) return 'Check the base URL: the edge could not get an answer from it.';
  return 'Check the model and the settings, then test again.';
}

/**
 * The slot's Test button and its last result: a real call through the edge to the vendor
 * (POST …/providers/:role/test), its latency, and what it answered or why it failed.
 */
export function ProviderCheckResult({ tenantId, role, provider }: { tenantId: string; role: ProviderRole; provider: Provider }) {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<ProviderCheck | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  // espeak-ng runs on the voice node: there is no vendor to call (the edge answers 409 not_testable).
  if (provider.kind === 'espeak') return <p className="text-sm text-muted-foreground">espeak-ng speaks on the voice node, with no key to test: play an NPC's voice preview to hear it.</p>;
  const run = async () => {
    setPending(true);
    setFailure(null);
    setResult(null);
    try {
      setResult(await testProvider(tenantId, role));
    } catch (error) {
      setFailure(error);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="flex flex-col gap-2">
      <Button className="self-start" onClick={() => void run()} disabled={pending}>
        {pending ? `Testing ${role}…` : `Test ${role} provider`}
      </Button>
      <div role="status" aria-label={`${role} test result`} className="text-sm">
        {result?.ok === true && (
          <p className="flex items-start gap-2">
            <CircleCheck className="mt-0.5 size-4 shrink-0 text-green-700 dark:text-green-400" aria-hidden="true" />
            <span>
              <strong>Works</strong> in {result.latency_ms} ms: {result.detail}
            </span>
          </p>
        )}
        {result?.ok === false && (
          <p className="flex items-start gap-2">
            <CircleX className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden="true" />
            <span>
              <strong>Failed</strong> after {result.latency_ms} ms{result.error.status !== null && ` (HTTP ${result.error.status})`}: {result.error.message}. {advice(result.error.status)}
            </span>
          </p>
        )}
      </div>
      <FailureAlert failure={failure} fallback="Testing failed" />
    </div>
  );
}
