import { CopyButton } from '../components/copy-button.tsx';
import { Alert } from '../components/ui/alert.tsx';
import { Button } from '../components/ui/button.tsx';
import type { CreatedApiKey } from './api-key-queries.ts';

/** The new key: the only time the edge sends it (it keeps a hash), so it is shown once, with a copy button. */
export function CreatedApiKeyNotice({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <Alert className="flex flex-col gap-3">
      <p>
        <strong>{created.name}</strong> was created. Copy the key now: it is not shown again, and a lost key can only be revoked and replaced.
      </p>
      <code aria-label="New API key" className="break-all rounded-md border bg-background px-3 py-2 font-mono text-xs">
        {created.key}
      </code>
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton text={created.key} label="Copy key" what="key" />
        <Button variant="ghost" size="sm" onClick={onDone}>
          I have stored it
        </Button>
      </div>
    </Alert>
  );
}
