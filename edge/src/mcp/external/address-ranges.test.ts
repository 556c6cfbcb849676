import { describe, expect, it } from 'vitest';
import { nonPublicRange } from './address-ranges.ts';

/** Hostnames as `new URL(...).hostname` gives them (it already turns 0x7f.1 or 2130706433 into 127.0.0.1). */
const host = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '');

describe('which addresses a tool server may not be at', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.8.9.10/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fd00::1]/', 'unique local (private)'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
    ['http://[64:ff9b::10.0.0.1]/', 'private'],
    ['http://224.0.0.1/', 'multicast'],
  ])('%s is %s', (url, range) => {
    expect(nonPublicRange(host(url))).toBe(range);
  });

  it.each(['http://8.8.8.8/', 'http://172.32.0.1/', 'http://100.128.0.1/', 'http://[2606:4700::1111]/', 'http://[::ffff:8.8.8.8]/', 'https://lore.example.com/'])('%s is public (or a name to resolve)', (url) => {
    expect(nonPublicRange(host(url))).toBeNull();
  });
});
