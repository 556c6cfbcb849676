/**
 * Stripe's request encoding, as its SDK writes it: `application/x-www-form-urlencoded` bodies
 * (and GET query strings) whose keys nest with brackets, `line_items[0][price]=price_…`,
 * `metadata[tenant_id]=…`; numeric segments are array indexes.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export function decodeForm(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, FormValue> | FormValue[] = root;
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      const slot = Array.isArray(node) ? Number(segment) : segment;
      if (last) {
        (node as Record<string | number, FormValue>)[slot] = value;
      } else {
        const next = (node as Record<string | number, FormValue>)[slot] ?? (/^\d+$/.test(path[i + 1]!) ? [] : {});
        (node as Record<string | number, FormValue>)[slot] = next;
        node = next as Record<string, FormValue> | FormValue[];
      }
    }
  }
  return root;
}
