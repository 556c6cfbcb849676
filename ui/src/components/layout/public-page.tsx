import type { ReactNode } from 'react';
import { cn } from '../../lib/cn.ts';
import { ThemeToggle } from '../../theme/theme-toggle.tsx';
import { Brand } from './brand.tsx';

/** A screen for someone not signed in (sign-in, a join link): the brand, the theme, and the screen. */
export function PublicPage({ children, bordered = false, className }: { children: ReactNode; bordered?: boolean; className?: string }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className={cn('flex items-center justify-between p-4', bordered && 'border-b')}>
        <Brand />
        <ThemeToggle />
      </header>
      <main id="main" className={cn('flex flex-1 flex-col p-4', className)}>
        {children}
      </main>
    </div>
  );
}
