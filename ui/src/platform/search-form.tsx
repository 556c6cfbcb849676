import { useId, type FormEvent } from 'react';
import { Button } from '../components/ui/button.tsx';
import { Input } from '../components/ui/input.tsx';
import { Label } from '../components/ui/label.tsx';

/** A listing's search, kept in the URL (`q`) so a search can be reloaded, shared and gone back from. */
export function SearchForm({ label, hint, q, onSearch }: { label: string; hint: string; q: string | undefined; onSearch: (q: string | undefined) => void }) {
  const id = useId();
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSearch(String(new FormData(event.currentTarget).get('q') ?? '').trim() || undefined);
  };
  return (
    <form role="search" aria-label={label} onSubmit={apply} className="flex flex-wrap items-end gap-3" key={q ?? ''}>
      <div className="flex min-w-0 flex-1 flex-col gap-2 sm:max-w-sm">
        <Label htmlFor={`${id}-q`}>Search</Label>
        <Input id={`${id}-q`} name="q" type="search" defaultValue={q ?? ''} aria-describedby={`${id}-hint`} maxLength={100} />
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      </div>
      <div className="flex gap-2 pb-6">
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {q && (
          <Button type="button" variant="ghost" onClick={() => onSearch(undefined)}>
            Clear search
          </Button>
        )}
      </div>
    </form>
  );
}
