import { useEffect } from 'react';

/** Fields where Space types a space rather than talks. */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Holding Space anywhere but in a text field is push-to-talk. */
export function usePushToTalkKey(push: (down: boolean) => void, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const down = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || typing(event.target)) return;
      event.preventDefault();
      if (!event.repeat) push(true);
    };
    const up = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || typing(event.target)) return;
      event.preventDefault();
      push(false);
    };
    // Letting go elsewhere (another window) must not leave the microphone open.
    const release = () => push(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', release);
      push(false);
    };
  }, [push, enabled]);
}
