import { issuePath, jsonProblem } from '@glyphoxa/protocol';
import * as v from 'valibot';
import { parse } from 'yaml';

/**
 * Reading a campaign YAML file: the text to data, and the data checked entry
 * by entry, so that every problem is reported by its place in the file.
 */

/** Anchors and aliases a file may use: enough for real files, too few for a "billion laughs". */
const MAX_ALIASES = 100;

/** The file's data, or its first problem: not YAML, text with NUL, nesting deeper than any campaign needs. */
export function readYaml(text: string): { data: unknown } | { problem: string } {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: MAX_ALIASES, uniqueKeys: true });
  } catch (error) {
    // The parser's first line names the line and column; the rest quotes the file.
    return { problem: `It is not valid YAML: ${String(error instanceof Error ? error.message : error).split('\n')[0]}` };
  }
  const bad = jsonProblem(data);
  return bad ? { problem: bad.field ? `${placeOf(bad.field)} ${bad.message}` : `The file ${bad.message}` } : { data };
}

/** A path as a DM counts the file's entries: `entities.2.tags` is `entities #3: tags`. */
function placeOf(field: string): string {
  return field.replace(/^(\w+)\.(\d+)(?:\.|$)/, (_, list: string, index: string) => `${list} #${Number(index) + 1}: `).replace(/: $/, '');
}

/** A problem as a DM reads it: `voice.pitch must be from -10 to 10`, `name is missing`. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  if (!path) return issue.message;
  if (issue.type === 'object' && issue.received === 'undefined') return `${path} is missing`;
  return `${path} ${issue.message}`;
}

export interface CheckedEntries<T> {
  valid: T[];
  problems: string[];
}

/**
 * Checks each entry of the file's `list` (say `entities`) on its own; a name
 * the list already had (ignoring case) is a problem of the later entry.
 */
export function checkEntries<S extends v.GenericSchema<unknown, { name: string }>>(schema: S, listName: string, list: unknown[]): CheckedEntries<v.InferOutput<S>> {
  const result: CheckedEntries<v.InferOutput<S>> = { valid: [], problems: [] };
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    const where = `${listName} #${index + 1}${nameOf(entry)}`;
    const parsed = v.safeParse(schema, entry);
    if (!parsed.success) {
      result.problems.push(`${where}: ${parsed.issues.map(describeIssue).join('; ')}`);
      return;
    }
    const key = parsed.output.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      result.problems.push(`${where}: the name is already taken by ${listName} #${first}`);
      return;
    }
    seen.set(key, index + 1);
    result.valid.push(parsed.output);
  });
  return result;
}

function nameOf(entry: unknown): string {
  const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? ` (${name.trim().slice(0, 60)})` : '';
}
