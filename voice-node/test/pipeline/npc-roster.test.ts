import type { NpcDefinition } from '@glyphoxa/protocol';
import { describe, expect, it } from 'vitest';
import { createNpcRoster } from '../../src/pipeline/npc-roster.ts';
import { npc } from './npc-fixtures.ts';

const list = (roster: ReturnType<typeof createNpcRoster>) => roster.npcs().map(({ name, muted }) => [name, muted]);
const command = (action: 'mute' | 'unmute', name: string) => ({ type: 'npc_command', request_id: 'r', session_id: 's', action, name }) as const;

describe('replacing a session\'s roster (the DM changed NPCs on the web)', () => {
  it('takes the new voice, personality and NPCs, keeping a mute by command unless its default changed', () => {
    const silenced: Array<string | undefined> = [];
    const roster = createNpcRoster([npc('Grimjaw'), npc('Elara'), npc('Thorne', { muted: true })], { speak: () => {}, silence: (n) => silenced.push(n?.name) });
    roster.command(command('mute', 'Elara'));
    roster.command(command('unmute', 'Thorne'));
    silenced.length = 0;

    const voice: NpcDefinition['voice'] = { provider: 'elevenlabs', voice_id: 'deep', pitch: -4, speed: 0.9 };
    roster.replace([
      npc('Grimjaw', { personality: 'Now a grump.', voice, muted: true }),
      npc('Elara'),
      npc('Thorne', { muted: true }),
      npc('Mira'),
    ]);
    expect(roster.find('grimjaw')).toMatchObject({ personality: 'Now a grump.', voice });
    // Grimjaw's default changed: muted, and cut off. Elara and Thorne keep what the DM's commands set; Mira is new.
    expect(list(roster)).toEqual([
      ['Grimjaw', true],
      ['Elara', true],
      ['Thorne', false],
      ['Mira', false],
    ]);
    expect(silenced).toEqual(['Grimjaw']);

    // An NPC deleted on the web is gone from the session.
    roster.replace([npc('Mira')]);
    expect(list(roster)).toEqual([['Mira', false]]);
    expect(roster.command({ type: 'npc_command', request_id: 'r', session_id: 's', action: 'speak', name: 'Grimjaw', text: 'Hi' })).toMatchObject({ ok: false, error: { code: 'npc_not_found' } });
  });
});
