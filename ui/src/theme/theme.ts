import { useSyncExternalStore } from 'react';

/** The user's choice; `system` follows the OS. index.html applies it before first paint. */
export type ThemeChoice = 'light' | 'dark' | 'system';

const KEY = 'glyphoxa-theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<() => void>();

function read(): ThemeChoice {
  const stored = localStorage.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && media().matches);
  document.documentElement.classList.toggle('dark', dark);
}

export function setTheme(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  apply(choice);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onOsChange = () => {
    apply(read());
    listener();
  };
  media().addEventListener('change', onOsChange);
  return () => {
    listeners.delete(listener);
    media().removeEventListener('change', onOsChange);
  };
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(subscribe, read, () => 'system');
}
