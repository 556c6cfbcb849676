/**
 * The words of an LLM reply a voice should say: markdown emphasis keeps its words
 * but loses its marks, stage directions (`*grins*`, `[sighs]`) and emojis go, a
 * link keeps its text. Returns '' when nothing speakable is left.
 */
export function speakable(text: string): string {
  const spoken = text
    .replace(/\*\*(.+?)\*\*|__(.+?)__/gs, '$1$2')
    .replace(/\*(?!\s)[^*\n]+?(?<!\s)\*/g, ' ')
    .replace(/\[([^\]\n]+)\]\([^)\s]*\)/g, '$1')
    .replace(/\[[^\]\n]*\]/g, ' ')
    .replace(/[*_#`~]/g, '')
    .replace(/[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D\u20E3]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/ (?=[,.!?;:…])/g, '')
    .trim();
  return /[\p{L}\p{N}]/u.test(spoken) ? spoken : '';
}
