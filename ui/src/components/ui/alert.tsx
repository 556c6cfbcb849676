import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn.ts';

const TONES = {
  info: 'border-border bg-muted text-foreground',
  error: 'border-destructive/50 bg-destructive/10 text-foreground',
} as const;

/** A message that matters now; errors are announced to screen readers as they appear. */
export function Alert({ tone = 'info', className, ...props }: ComponentProps<'div'> & { tone?: keyof typeof TONES }) {
  return <div role={tone === 'error' ? 'alert' : 'status'} className={cn('rounded-md border p-4 text-sm', TONES[tone], className)} {...props} />;
}
