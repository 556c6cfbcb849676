import * as v from 'valibot';

const Uuid = v.pipe(v.string(), v.uuid());

/** Whether a typed or carried id can be a row's id at all (asking Postgres with anything else is an error). */
export const isUuid = (text: string): boolean => v.is(Uuid, text);

/** At most `max` characters on one line, cut at a word where one is near and marked with an ellipsis. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
