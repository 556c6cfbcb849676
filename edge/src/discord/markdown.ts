/**
 * Text from users and files shown inside our messages (in bold, after a
 * bullet), kept from turning into formatting or a masked link.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_`~|[\]])/g, '\\$1');
}

/** A bulleted list of at most `max` items (what a 2000-character message holds); the rest are counted, not shown. */
export function bulletList(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).map((item) => `• ${item}`);
  if (items.length > max) shown.push(`…and ${items.length - max} more`);
  return shown.join('\n');
}
