import type { NpcDefinition } from '@glyphoxa/protocol';
import { describe, expect, it } from 'vitest';
import { createNpcRoster } from '../../src/pipeline/npc-roster.ts';
import { parseSpokenCommand, type SpokenCommand } from '../../src/pipeline/spoken-commands.ts';
import { CAST } from './npc-fixtures.ts';

const DM = 'dm-1';
const parse = (text: string, speakerId = DM, npcs: readonly NpcDefinition[] = CAST) => parseSpokenCommand({ text, speakerId, dmUserId: DM, npcs });

describe('spoken DM commands', () => {
  it.each<[string, SpokenCommand]>([
    ['Grimjaw, be quiet.', { action: 'mute', name: 'Grimjaw' }],
    ['Grimjaw stop', { action: 'mute', name: 'Grimjaw' }],
    ['Grimjaw, shut up!', { action: 'mute', name: 'Grimjaw' }],
    ['Grimshaw, hush now', { action: 'mute', name: 'Grimjaw' }],
    ['grim jaw please stop talking', { action: 'mute', name: 'Grimjaw' }],
    ['Okay Elara, quiet please.', { action: 'mute', name: 'Elara' }],
    ['Be quiet, Ellara.', { action: 'mute', name: 'Elara' }],
    ['Mute Captain Vex', { action: 'mute', name: 'Captain Vex' }],
    ['Grimjaw, you may speak.', { action: 'unmute', name: 'Grimjaw' }],
    ['Grimjaw you can speak again', { action: 'unmute', name: 'Grimjaw' }],
    ['Elara, unmute.', { action: 'unmute', name: 'Elara' }],
    ['Unmute the innkeeper', { action: 'unmute', name: 'Bess' }],
    ['Everyone stop!', { action: 'muteall' }],
    ['Everybody quiet.', { action: 'muteall' }],
    ['All NPCs, be quiet.', { action: 'muteall' }],
    ['Okay everyone, shut up please', { action: 'muteall' }],
    ['Quiet, everyone!', { action: 'muteall' }],
    ['Everyone may speak again.', { action: 'unmuteall' }],
    ['Everybody can talk again', { action: 'unmuteall' }],
    ['Unmute everyone', { action: 'unmuteall' }],
    ['Elara, say Welcome to the Silver Stag, travelers!', { action: 'speak', name: 'Elara', text: 'Welcome to the Silver Stag, travelers!' }],
    ['Grimshaw, say: "Get out of my forge."', { action: 'speak', name: 'Grimjaw', text: 'Get out of my forge.' }],
    ['Thorne say -- no flags here', { action: 'speak', name: 'Thorne', text: 'no flags here' }],
  ])('%j is %o', (text, command) => {
    expect(parse(text)).toEqual(command);
  });

  it.each([
    'Grimjaw, stop the cart!', // an order in character, not a mute
    'Grimjaw, don’t stop',
    'Everyone stop by the tavern later',
    'Everyone, may I speak?',
    'Be quiet', // nobody named
    'I told Grimjaw to be quiet',
    'Grimjaw, I said be quiet and listen',
    'Elara, say', // nothing to say
    'Clara, be quiet', // not an NPC of this session
    'The guards stop',
  ])('%j is ordinary speech', (text) => {
    expect(parse(text)).toBeUndefined();
  });

  it('is ordinary speech from anyone but the DM', () => {
    for (const text of ['Grimjaw, be quiet', 'Everyone stop', 'Everyone may speak again', 'Elara, say I am a fool']) {
      expect(parse(text, 'player-1')).toBeUndefined();
      expect(parse(text, DM)).toBeDefined();
    }
  });

  it('finds muted NPCs, so they can be unmuted', () => {
    const npcs = CAST.map((npc) => ({ ...npc, muted: true }));
    expect(parse('Grimjaw, you may speak', DM, npcs)).toEqual({ action: 'unmute', name: 'Grimjaw' });
  });

  it('drives the NPC roster as the edge’s npc_command does', () => {
    const spoken: string[] = [];
    const silenced: (string | undefined)[] = [];
    const roster = createNpcRoster(CAST, { speak: (npc, text) => spoken.push(`${npc.name}: ${text}`), silence: (npc) => silenced.push(npc?.name) });
    const run = (text: string) => {
      const command = parse(text, DM, roster.npcs());
      if (!command) throw new Error(`not a command: ${text}`);
      return roster.command({ type: 'npc_command', request_id: 'spoken', session_id: '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11', ...command });
    };
    const muted = () => roster.npcs().filter((npc) => npc.muted).map((npc) => npc.name);

    expect(run('Grimshaw, be quiet')).toEqual({ ok: true });
    expect(muted()).toEqual(['Grimjaw']);
    expect(run('Grimjaw, say Hello')).toMatchObject({ ok: false, error: { code: 'npc_muted' } });
    expect(run('Grimjaw, you may speak')).toEqual({ ok: true });
    expect(run('Grimjaw, say Hello')).toMatchObject({ ok: true });
    expect(run('Everyone stop')).toEqual({ ok: true });
    expect(muted()).toHaveLength(CAST.length);
    expect(run('Everyone may speak again')).toEqual({ ok: true });
    expect(muted()).toEqual([]);
    expect(spoken).toEqual(['Grimjaw: Hello']);
    // Muting everyone cuts whatever is playing (silence() for all).
    expect(silenced).toEqual(['Grimjaw', undefined]);
  });
});
