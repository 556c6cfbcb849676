import type { Column, InferModelFromColumns } from 'drizzle-orm';

/**
 * A row the driver returned for hand-written SQL (columns by their SQL names, after `prefix`),
 * as drizzle's select would map it: each column through its own `mapFromDriverValue` (dates,
 * custom types), a null or missing value as null. For statements drizzle does not build (the
 * one-round-trip tenant reads, tenant-isolation/transactions.ts), whose rows come back raw.
 */
export function rowFromDriver<C extends Record<string, Column>>(columns: C, raw: Record<string, unknown>, prefix = ''): InferModelFromColumns<C> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = raw[`${prefix}${column.name}`];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferModelFromColumns<C>;
}
