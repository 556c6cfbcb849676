/** About a paragraph: long enough to carry a fact with its context, short enough to match one topic. */
export const MAX_PASSAGE_CHARS = 800;

/**
 * Splits text into passages of at most `max` characters at paragraph breaks,
 * then at sentence ends, then at spaces; a word longer than `max` is cut.
 * Nothing but whitespace is lost, and nothing is repeated.
 */
export function passages(text: string, max = MAX_PASSAGE_CHARS): string[] {
  const pieces = text.split(/\n\s*\n/).flatMap((paragraph) => fit(paragraph.trim(), max, [/(?<=[.!?])\s+/, /\s+/]));
  const merged: string[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last !== undefined && last.length + 2 + piece.length <= max) merged[merged.length - 1] = `${last}\n\n${piece}`;
    else merged.push(piece);
  }
  return merged;
}

function fit(text: string, max: number, separators: RegExp[]): string[] {
  if (text.length === 0) return [];
  if (text.length <= max) return [text];
  const [separator, ...finer] = separators;
  if (!separator) {
    const cut: string[] = [];
    for (let i = 0; i < text.length; i += max) cut.push(text.slice(i, i + max));
    return cut;
  }
  const parts = text.split(separator);
  const out: string[] = [];
  let current = '';
  for (const part of parts.flatMap((p) => fit(p, max, finer))) {
    if (current && current.length + 1 + part.length <= max) current += ` ${part}`;
    else {
      if (current) out.push(current);
      current = part;
    }
  }
  if (current) out.push(current);
  return out;
}
