import { describe, expect, it } from 'vitest';
import { CONTINUATION_CONFIDENCE, CONVERSATION_WINDOW_MS, detectAddressee, type AddresseeInput } from '../../src/pipeline/addressee.ts';
import { createConversationTracker } from '../../src/pipeline/conversation-tracker.ts';
import { CAST, npc, TABLE_TALK } from './npc-fixtures.ts';

const DM = 'dm-1';
const PLAYER = 'player-1';
const NOW = 1_000_000;
const grimjaw = CAST.find((n) => n.name === 'Grimjaw')!;
const elara = CAST.find((n) => n.name === 'Elara')!;

const decide = (text: string, overrides: Partial<AddresseeInput> = {}) =>
  detectAddressee({ text, speakerId: PLAYER, npcs: CAST, dmUserId: DM, nowMs: NOW, ...overrides });
const answerer = (text: string, overrides: Partial<AddresseeInput> = {}) => decide(text, overrides).npc?.name;

describe('addressee detection', () => {
  it.each([
    ['Grimjaw, how much for the axe?', 'Grimjaw', 'vocative'],
    ['grim jaw how much for the axe', 'Grimjaw', 'vocative'],
    ['Hey Grimshaw, how much for the axe?', 'Grimjaw', 'vocative'],
    ['How much for the axe, Grimjar?', 'Grimjaw', 'vocative'],
    ['Ellara, is the road safe?', 'Elara', 'vocative'],
    ['I wonder if Alara knows the way', 'Elara', 'named'],
  ])('%j is for %s (%s)', (text, name, reason) => {
    const decision = decide(text);
    expect(decision.npc?.name).toBe(name);
    expect(decision.reason).toBe(reason);
    expect(decision.confidence).toBeGreaterThanOrEqual(0.8);
    expect(decision.detail).toContain(name);
  });

  it('lets the one spoken to answer when several are named', () => {
    expect(answerer('Elara, what do you think of Grimjaw?')).toBe('Elara');
    expect(answerer('What do you think of Grimjaw, Elara?')).toBe('Elara');
    expect(answerer('Hey Thorne, did Mira leave?')).toBe('Thorne');
    // No one spoken to directly: the first named.
    expect(answerer('So Mira told Thorne everything')).toBe('Mira');
  });

  it('keeps every NPC silent through ordinary table talk', () => {
    const answered = TABLE_TALK.filter((line) => decide(line).npc);
    expect(answered).toEqual([]);
  });

  it('never has a muted NPC answer', () => {
    const npcs = CAST.map((n) => (n.name === 'Grimjaw' ? { ...n, muted: true } : n));
    expect(decide('Grimjaw, hello', { npcs })).toMatchObject({ npc: undefined, reason: 'muted', confidence: 0 });
    // Spoken to directly while muted: the others do not answer in his place.
    expect(decide('Grimjaw, what does Elara want?', { npcs }).npc).toBeUndefined();
    // Merely mentioned: the next one named answers.
    expect(answerer('Tell me about Grimjaw, Elara', { npcs })).toBe('Elara');
    expect(answerer('Did Grimjaw say anything to Elara?', { npcs })).toBe('Elara');
    // Nor does a muted NPC continue a conversation.
    const lastExchange = { npcId: grimjaw.id, atMs: NOW - 5_000 };
    expect(decide('and what about the mine?', { npcs, lastExchange })).toMatchObject({ npc: undefined, reason: 'muted' });
  });

  it('treats a line opened to the table as table talk even when it mentions an NPC', () => {
    expect(decide('Guys, should we trust Grimjaw?')).toMatchObject({ npc: undefined, reason: 'table' });
    expect(decide('Okay everyone, Elara is lying')).toMatchObject({ npc: undefined, reason: 'table' });
    // The NPC spoken to directly still answers.
    expect(answerer('Elara, guys are asking about you')).toBe('Elara');
  });

  describe('continuing a conversation', () => {
    const lastExchange = { npcId: elara.id, atMs: NOW - 10_000 };

    it('answers an unnamed follow-up from the same speaker within the window', () => {
      const decision = decide('And what lies beyond the pass?', { lastExchange });
      expect(decision).toMatchObject({ npc: elara, reason: 'continuation', confidence: CONTINUATION_CONFIDENCE });
    });

    it('ends when the window has passed', () => {
      const stale = { npcId: elara.id, atMs: NOW - CONVERSATION_WINDOW_MS - 1 };
      expect(decide('And what lies beyond the pass?', { lastExchange: stale })).toMatchObject({ npc: undefined, reason: 'unaddressed' });
    });

    it('moves to another NPC when that one is named', () => {
      expect(answerer('Thorne, do you agree?', { lastExchange })).toBe('Thorne');
    });

    it('does not answer table talk or game mechanics', () => {
      for (const text of ["Let's head out", 'I rolled a nine', 'You guys ready?', 'Out of character, I need a break']) {
        expect(decide(text, { lastExchange })).toMatchObject({ npc: undefined, reason: 'table' });
      }
    });

    it("is never implied for the DM, whose narration must not wake NPCs", () => {
      expect(decide('The rain keeps falling on the road.', { lastExchange, speakerId: DM }).npc).toBeUndefined();
      expect(answerer('Elara, you look worried', { speakerId: DM })).toBe('Elara');
    });

    it('is tracked per speaker, extended by answers and ended by table talk', () => {
      const tracker = createConversationTracker();
      const step = (speakerId: string, text: string, nowMs: number) => {
        const decision = decide(text, { speakerId, nowMs, lastExchange: tracker.lastExchange(speakerId) });
        tracker.observe(speakerId, decision, nowMs);
        return decision.npc?.name;
      };
      expect(step(PLAYER, 'Elara, where are we?', NOW)).toBe('Elara');
      // The reply took 20 s; the window runs from its end.
      tracker.spokeWith(PLAYER, elara.id, NOW + 20_000);
      expect(step(PLAYER, 'How far is the river?', NOW + 45_000)).toBe('Elara');
      expect(step('player-2', 'How far is the river?', NOW + 45_000)).toBeUndefined();
      expect(step(PLAYER, "Let's just go", NOW + 50_000)).toBeUndefined();
      expect(step(PLAYER, 'How far is the river?', NOW + 52_000)).toBeUndefined();
      expect(tracker.lastExchange(PLAYER)).toBeUndefined();
    });
  });

  it('says nothing about an empty or nameless line', () => {
    expect(decide('')).toMatchObject({ npc: undefined, reason: 'unaddressed', confidence: 0 });
    expect(decide('Hmm.', { npcs: [npc('Grimjaw')] }).npc).toBeUndefined();
  });
});
