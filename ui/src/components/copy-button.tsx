import { useState } from 'react';
import { Button } from './ui/button.tsx';

/** Copies `text` to the clipboard and says, beside the button, whether it did (a browser may refuse). */
export function CopyButton({ text, label, what }: { text: string; label: string; what: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <>
      <Button
        type="button"
        variant="outline"
        size="sm"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied('yes'),
            () => setCopied('no'),
          )
        }
      >
        {label}
      </Button>
      <span role="status" className="text-sm text-muted-foreground">
        {copied === 'yes' ? 'Copied' : copied === 'no' ? `Copying was refused by the browser: select the ${what} and copy it by hand.` : ''}
      </span>
    </>
  );
}
