import type { Sql } from 'postgres';

/**
 * Parameters inlined as quoted literals where that is safe, so a statement goes out in one
 * round trip. With unnamed statements (`prepare: false`, which Hyperdrive and the local
 * transaction pooler need), postgres.js describes every statement that has parameters
 * before it binds them: a round trip, and a socket write and read, of its own. Those
 * writes and reads were the largest part of a Worker request's CPU (docs/BENCHMARKS.md),
 * and most statements' parameters are ids, roles and limits.
 *
 * A statement is rewritten only when every parameter is plain text of letters, digits,
 * `_` and `-`, or a safe integer: such a value cannot leave the quotes it is put in, and a
 * quoted literal is typed as postgres.js leaves these parameters (unknown, resolved by the
 * server from the context). Anything else (other text, dates, JSON, arrays, null) keeps the
 * whole statement parameterised, as does SQL with comments or dollar quoting.
 */
export function inliningParameters(client: Sql): Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: object) => {
          const [text, values] = inlined(query, parameters);
          return target.unsafe(text, values as never[], options);
        };
      }
      // A transaction's (and a savepoint's) statements go through the client it is handed.
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (sql: Sql) => unknown;
          return (Reflect.get(target, key, receiver) as (...a: unknown[]) => unknown).apply(target, [...args, (sql: Sql) => fn(inliningParameters(sql))]);
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

const PLAIN = /^[A-Za-z0-9_-]+$/;
/** What the rewrite does not attempt: comments, dollar quoting (a `$` not before a digit), backslashes (escape strings). */
const UNSCANNED = /--|\/\*|\$(?!\d)|\\/;

const literal = (value: unknown): string | null =>
  typeof value === 'string' && PLAIN.test(value) ? `'${value}'` : typeof value === 'number' && Number.isSafeInteger(value) ? `'${value}'` : null;

/** The statement with its `$n` placeholders (outside quotes) replaced, or as it was. */
export function inlined(query: string, parameters: unknown[] = []): [string, unknown[]] {
  if (parameters.length === 0 || UNSCANNED.test(query)) return [query, parameters];
  const literals = parameters.map(literal);
  if (literals.some((l) => l === null)) return [query, parameters];
  let out = '';
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (ch === "'" || ch === '"') {
      // A quoted string or identifier is copied whole; a doubled quote inside it is an escaped one.
      let end = query.indexOf(ch, i + 1);
      while (end !== -1 && query[end + 1] === ch) end = query.indexOf(ch, end + 2);
      if (end === -1) return [query, parameters];
      out += query.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const digits = ch === '$' && !/[\w$]/.test(query[i - 1] ?? '') ? /^\d+/.exec(query.slice(i + 1))?.[0] : undefined;
    if (digits) {
      const value = literals[Number(digits) - 1];
      if (value === undefined) return [query, parameters];
      out += value;
      i += 1 + digits.length;
      continue;
    }
    out += ch;
    i++;
  }
  return [out, []];
}
