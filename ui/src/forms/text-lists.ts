/** A list field edited as text, one item a line; blank lines are dropped. */
export const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

/** Optional text: empty means absent (the API's optional fields refuse an empty string). */
export const optionalText = (text: string): string | undefined => (text.trim() === '' ? undefined : text);
