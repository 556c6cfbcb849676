/** Rows per INSERT: well under Postgres's 65535 bind parameters, however wide the table. */
const ROWS_PER_INSERT = 500;

/** Splits a bulk write so each statement stays within the protocol's parameter limit. */
export function* inChunks<T>(rows: readonly T[], size = ROWS_PER_INSERT): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
