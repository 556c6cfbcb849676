import { Link } from '@tanstack/react-router';
import { Compass } from 'lucide-react';
import { Button } from '../ui/button.tsx';

export function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh w-full max-w-md flex-col items-center justify-center gap-4 p-6 text-center">
      <Compass className="size-10 text-muted-foreground" aria-hidden="true" />
      <h1 className="text-2xl font-semibold">No such page</h1>
      <p className="text-muted-foreground">The link may be old, or the page was moved. Start again from the dashboard.</p>
      <Button asChild>
        <Link to="/sign-in">Go to the dashboard</Link>
      </Button>
    </main>
  );
}
