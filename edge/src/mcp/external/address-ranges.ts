/**
 * Which addresses a tenant's tool server may not be at: anything that is not the public
 * internet (the edge's own loopback, a private network, cloud metadata at link-local).
 * Addresses come as URL hostnames write them: dotted IPv4, IPv6 without brackets.
 */

type Range = [first: bigint, bits: number, width: 32 | 128, name: string];

const V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

const RANGES: Range[] = [
  ...V4.map(([a, bits, name]): Range => [parseV4(a)!, bits, 32, name]),
  ...V6.map(([a, bits, name]): Range => [parseV6(a)!, bits, 128, name]),
];

/** The kind of non-public range `address` is in (`loopback`, `private`…), or null for a public address or a name. */
export function nonPublicRange(address: string): string | null {
  const v4 = parseV4(address);
  if (v4 !== null) return rangeOf(v4, 32);
  const v6 = parseV6(address);
  if (v6 === null) return null;
  // IPv4 carried in IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96) is judged as the IPv4 it carries.
  if (v6 >> 32n === 0xffffn || v6 >> 32n === 0x64ff9b0000000000000000n) return rangeOf(v6 & 0xffffffffn, 32);
  return rangeOf(v6, 128);
}

/** Whether `host` is an IP address (as opposed to a name to resolve). */
export const isAddress = (host: string) => parseV4(host) !== null || parseV6(host) !== null;

function rangeOf(value: bigint, width: 32 | 128): string | null {
  for (const [first, bits, w, name] of RANGES) {
    if (w === width && value >> BigInt(width - bits) === first >> BigInt(width - bits)) return name;
  }
  return null;
}

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function parseV6(text: string): bigint | null {
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return null;
  let groups = text.split(':');
  // A trailing dotted IPv4 (::ffff:127.0.0.1) is two groups.
  const last = groups[groups.length - 1]!;
  if (last.includes('.')) {
    const v4 = parseV4(last);
    if (v4 === null) return null;
    groups = [...groups.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
  }
  const gap = groups.indexOf('');
  if (gap !== -1) {
    const head = groups.slice(0, gap).filter((g) => g !== '');
    const tail = groups.slice(gap + 1).filter((g) => g !== '');
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  }
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}
