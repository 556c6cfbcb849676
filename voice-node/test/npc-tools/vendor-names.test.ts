import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NPC_TOOL_NAMES } from '@glyphoxa/protocol';
import { VENDOR_TOOL_NAME, VendorToolNames } from '../../src/npc-tools/vendor-names.ts';

/** Tool names as the edge lists them: its own, and `<server>.<tool>` with anything MCP allows in a tool's name. */
const serverName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,31}$/);
const toolName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
const listed = fc.tuple(fc.subarray([...NPC_TOOL_NAMES]), fc.array(fc.tuple(serverName, toolName).map(([s, t]) => `${s}.${t}`), { maxLength: 40 }));

describe('the names tools go by at the LLM vendor', () => {
  it("keeps the edge's own tools' names and gives a server's tool a readable legal one", () => {
    const names = new VendorToolNames(['roll_dice', 'lorekeeper.search', 'rules-engine.check.v2']);
    expect(['roll_dice', 'lorekeeper.search', 'rules-engine.check.v2'].map((n) => names.toVendor(n))).toEqual(['roll_dice', 'lorekeeper__search', 'rules-engine__check__v2']);
    expect(names.toMcp('lorekeeper__search')).toBe('lorekeeper.search');
    expect(names.toMcp('never_offered')).toBeUndefined();
  });

  it('tells apart names that read alike, and shortens a name too long for the vendor', () => {
    // `a__b.c` and `a.b__c` both read `a__b__c`; a tool may even be named what another's readable name is.
    const long = `archive.${'x'.repeat(64)}`;
    const names = new VendorToolNames(['a__b.c', 'a.b__c', 'a__b__c', long]);
    expect(names.toVendor('a__b__c')).toBe('a__b__c');
    expect(names.toVendor('a__b.c')).not.toBe(names.toVendor('a.b__c'));
    expect(names.toVendor(long)).toMatch(VENDOR_TOOL_NAME);
    expect(names.toVendor(long).startsWith('archive__xxx')).toBe(true);
  });

  it('whatever the servers name their tools: every name legal, no two alike, each back to its tool', () => {
    fc.assert(
      fc.property(listed, ([own, external]) => {
        const all = [...own, ...external];
        const names = new VendorToolNames(all);
        const vendor = [...new Set(all)].map((n) => names.toVendor(n));
        expect(vendor.every((n) => VENDOR_TOOL_NAME.test(n))).toBe(true);
        expect(new Set(vendor).size).toBe(vendor.length);
        for (const name of all) expect(names.toMcp(names.toVendor(name))).toBe(name);
        for (const name of own) expect(names.toVendor(name)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a tool the same name whatever order the edge lists them in', () => {
    fc.assert(
      fc.property(listed, ([own, external]) => {
        const all = [...own, ...external];
        const forward = new VendorToolNames(all);
        const backward = new VendorToolNames([...all].reverse());
        for (const name of all) expect(backward.toVendor(name)).toBe(forward.toVendor(name));
      }),
      { numRuns: 100 },
    );
  });
});
