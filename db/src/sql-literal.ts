/**
 * Any text as an SQL literal (readAsTenant's statements, the embedded server's settings): an escape string, its backslashes
 * and quotes doubled, read the same whatever `standard_conforming_strings` says. A constant, so
 * the planner folds what is made of it (`lower(...)`) and matches it to an index under RLS; text
 * decoded from hex by `convert_from` (stable, not leakproof) was not, and the lookup of an NPC's
 * entity by name scanned the campaign's every entity (docs/BENCHMARKS.md). Text in Postgres
 * holds no NUL: one is refused here, as the server refused it.
 */
export function textLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('text for SQL cannot hold a NUL character');
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
