import { useMutation } from '@tanstack/react-query';
import { ScrollText } from 'lucide-react';
import { api } from '../api/client.ts';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Button } from '../components/ui/button.tsx';

/** The session's recap on request ("previously in…"): the tenant's LLM writes it once, else the transcript's key lines. */
export function SessionRecap({ tenantId, sessionId }: { tenantId: string; sessionId: string }) {
  const recap = useMutation({
    mutationFn: async () => (await (await api.tenants[':id'].sessions[':sessionId'].recap.$post({ param: { id: tenantId, sessionId } })).json()).recap,
  });
  if (!recap.data) {
    return (
      <div className="flex flex-col gap-2">
        <Button variant="outline" className="self-start" onClick={() => recap.mutate()} disabled={recap.isPending}>
          <ScrollText aria-hidden="true" />
          {recap.isPending ? 'Writing the recap…' : 'Recap'}
        </Button>
        <FailureAlert failure={recap.error} fallback="The recap could not be written" />
      </div>
    );
  }
  const { text, source, llm_failed: llmFailed, campaign_name: campaign } = recap.data;
  return (
    <section aria-label="Recap" className="flex flex-col gap-2 rounded-md border bg-muted/50 p-4">
      <h3 className="text-base font-semibold">{campaign ? `Previously in ${campaign}` : 'Previously'}</h3>
      {source === 'llm' ? (
        <p className="whitespace-pre-line text-sm">{text}</p>
      ) : (
        <ul className="list-disc pl-5 text-sm">
          {text.split('\n').map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      <p className="text-xs text-muted-foreground">
        {source === 'llm' ? "Written by your team's language model." : llmFailed ? "Key lines of the transcript: your team's language model did not answer; ask again to retry it." : "Key lines of the transcript (your team has no language model set)."}
      </p>
    </section>
  );
}
