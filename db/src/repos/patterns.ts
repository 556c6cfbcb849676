/** A LIKE pattern matching names that contain `typed`; `%`, `_` and `\` typed by a user match themselves. */
export const containsPattern = (typed: string) => `%${typed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
