import type { Relationship } from './knowledge-queries.ts';

/** Where a relationship came from, as the DM reads it. */
export const PROVENANCE: Record<Relationship['source'], string> = { dm: 'stated by the DM', transcript: 'heard in a session', import: 'imported' };

/** "Klarg → guards → Cragmaw Castle", or with ↔ both ways; `?` for an end not among `names`. */
export function describeRelationship(r: Relationship, names: ReadonlyMap<string, string>): string {
  const arrow = r.bidirectional ? '↔' : '→';
  return `${names.get(r.source_id) ?? '?'} ${arrow} ${r.type.replaceAll('_', ' ')} ${arrow} ${names.get(r.target_id) ?? '?'}`;
}
