import { Moon, Sun } from 'lucide-react';
import { Button } from '../components/ui/button.tsx';
import { setTheme, useTheme } from './theme.ts';

/** Light or dark; until the user picks one, the device's setting decides. */
export function ThemeToggle() {
  const choice = useTheme();
  const dark = choice === 'dark' || (choice === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  return (
    <Button variant="ghost" size="icon" aria-label={dark ? 'Use the light theme' : 'Use the dark theme'} onClick={() => setTheme(dark ? 'light' : 'dark')}>
      {dark ? <Sun aria-hidden="true" /> : <Moon aria-hidden="true" />}
    </Button>
  );
}
