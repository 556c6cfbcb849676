import type { CampaignEntity, NpcDefinition, TranscriptEntry } from '@glyphoxa/protocol';
import type { LlmRequest } from '@glyphoxa/providers';
import { describe, expect, it } from 'vitest';
import { createConversationMemory } from '../../src/pipeline/conversation-memory.ts';
import { buildTurnRequest, CHARS_PER_TOKEN, CONTEXT_BUDGETS, inputBudgetTokens, type BudgetTier } from '../../src/pipeline/turn-context.ts';
import { npc } from './npc-fixtures.ts';

const DM = 'dm-1';
const grimjaw = npc('Grimjaw', { personality: 'A gruff dwarven smith who distrusts elves and loves his forge.' });
let clock = Date.parse('2025-01-01T20:00:00Z');
const said = (speaker: string, text: string, own = false): TranscriptEntry => ({
  speaker_id: own ? grimjaw.id : speaker.toLowerCase(),
  speaker_name: own ? grimjaw.name : speaker,
  ...(own ? { npc: true } : {}),
  text,
  at: new Date((clock += 1000)).toISOString(),
});
const memoryOf = (lines: TranscriptEntry[]) => ({ recent: () => lines });
const entity = (name: string, description: string, tags: string[] = [], type: CampaignEntity['type'] = 'lore'): CampaignEntity => ({ name, type, description, tags });
const size = (request: LlmRequest) => request.system.length + request.messages.reduce((sum, m) => sum + m.content.length, 0);

/** Valid for Anthropic: starts with the user, roles alternate. */
function expectAlternating(request: LlmRequest) {
  expect(request.messages[0]?.role).toBe('user');
  request.messages.forEach((message, i) => {
    if (i > 0) expect(message.role).not.toBe(request.messages[i - 1]?.role);
  });
}

describe('turn context', () => {
  it('puts persona and instructions in the system prompt and the transcript in alternating messages', () => {
    const lines = [
      said('Grimjaw', 'What do you want?', true), // its own line first: dropped, a request starts with the user
      said('Ana', 'Hello there.'),
      said('Bo', 'We need a blade.'),
      said('Grimjaw', 'Blades cost gold.', true),
      said('Grimjaw', 'Lots of it.', true),
      said('Ana', 'Grimjaw, how much?'),
    ];
    const request = buildTurnRequest({ npc: grimjaw, entities: [], memory: memoryOf(lines) });
    expect(request.system).toContain('You are Grimjaw');
    expect(request.system).toContain(grimjaw.personality);
    expect(request.system).toMatch(/one to three short sentences/);
    expect(request.system).toMatch(/no stage directions/);
    expect(request.system).toMatch(/secret/);
    expect(request.messages).toEqual([
      { role: 'user', content: 'Ana: Hello there.\nBo: We need a blade.' },
      { role: 'assistant', content: 'Blades cost gold.\nLots of it.' },
      { role: 'user', content: 'Ana: Grimjaw, how much?' },
    ]);
    expect(request.maxTokens).toBe(CONTEXT_BUDGETS.standard.maxTokens);
    expectAlternating(request);
  });

  it('adds the utterance being answered unless memory already has it, and labels the DM', () => {
    const memory = createConversationMemory({ now: () => clock });
    memory.add(said('Ana', 'Is the forge hot?'));
    const heard = said('DM', 'Grimjaw, the guards arrive.');
    const request = buildTurnRequest({ npc: grimjaw, entities: [], memory, heard: { ...heard, speaker_id: DM }, dmUserId: DM });
    expect(request.messages).toEqual([{ role: 'user', content: 'Ana: Is the forge hot?\nDM (DM): Grimjaw, the guards arrive.' }]);

    memory.add({ ...heard, speaker_id: DM });
    const again = buildTurnRequest({ npc: grimjaw, entities: [], memory, heard: { ...heard, speaker_id: DM }, dmUserId: DM });
    expect(again.messages).toEqual(request.messages);
  });

  it('still makes a valid request before anyone has spoken', () => {
    const request = buildTurnRequest({ npc: grimjaw, entities: [], memory: memoryOf([]) });
    expect(request.messages).toHaveLength(1);
    expectAlternating(request);
  });

  it('gives the facts of entities talked about recently, by name (fuzzily) or tag, newest first, secrets marked', () => {
    const entities = [
      entity('Ironhold', 'A dwarven fortress under the mountain.', ['fortress'], 'location'),
      entity('Silver Stag', 'The inn by the river.', ['inn'], 'location'),
      entity('Black Key', 'Opens the vault; Grimjaw hid it in his forge.', ['vault', 'secret'], 'item'),
      entity('Red Hand', 'A thieves guild.', ['thieves'], 'faction'),
      entity('Moonfall', 'An old prophecy nobody here mentioned.', [], 'lore'),
    ];
    const lines = [
      said('Ana', 'We came from the Silver Stag.'),
      said('Bo', 'Have you heard of Iron Hold?'),
      said('Ana', 'Someone broke into the vault last night.'),
      said('Bo', 'And nothing about secret doors, I guess.'),
    ];
    // Its scope names the vault, so the secret key is among what it knows.
    const smith = { ...grimjaw, knowledge_scope: ['vault', 'location', 'thieves'] };
    const { system } = buildTurnRequest({ npc: smith, entities, memory: memoryOf(lines) });
    expect(system).toContain('- Black Key (item, secret): Opens the vault');
    expect(system).toContain('- Ironhold (location): A dwarven fortress');
    expect(system).toContain('- Silver Stag (location): The inn by the river.');
    expect(system).not.toContain('Red Hand');
    expect(system).not.toContain('Moonfall');
    expect(system.indexOf('Black Key')).toBeLessThan(system.indexOf('Ironhold'));
    expect(system.indexOf('Ironhold')).toBeLessThan(system.indexOf('Silver Stag'));
  });

  describe('what each NPC may know', () => {
    const facts = [
      entity('Ironhold', 'A dwarven fortress under the mountain.', ['fortress'], 'location'),
      entity('Silver Stag', 'The inn by the river.', ['inn'], 'location'),
      entity('Red Hand', 'A thieves guild that runs the docks.', ['thieves'], 'faction'),
      entity('Black Key', 'Opens the vault; Grimjaw hid it in his forge.', ['vault', 'secret'], 'item'),
    ];
    const talk = [said('Ana', 'Ironhold, the Silver Stag, the Red Hand and the Black Key: what do you know?')];
    const known = (speaker: NpcDefinition) => {
      const { system } = buildTurnRequest({ npc: speaker, entities: facts, memory: memoryOf(talk) });
      return facts.filter((fact) => system.includes(`- ${fact.name} (`)).map((fact) => fact.name);
    };

    it('gives an NPC with a scope only the facts named, typed or tagged by it', () => {
      expect(known(npc('Grimjaw', { knowledge_scope: ['IRONHOLD', 'thieves'] }))).toEqual(['Ironhold', 'Red Hand']);
      expect(known(npc('Grimjaw', { knowledge_scope: ['location'] }))).toEqual(['Ironhold', 'Silver Stag']);
      // "secret" marks a fact, it is no topic: naming it in a scope opens nothing.
      expect(known(npc('Grimjaw', { knowledge_scope: ['secret'] }))).toEqual([]);
      expect(known(npc('Grimjaw', { knowledge_scope: ['vault'] }))).toEqual(['Black Key']);
    });

    it('gives an NPC without a scope common knowledge, no secret facts; a GM helper everything', () => {
      expect(known(npc('Bess'))).toEqual(['Ironhold', 'Silver Stag', 'Red Hand']);
      expect(known(npc('Scribe', { gm_helper: true, knowledge_scope: ['inn'] }))).toEqual(facts.map((fact) => fact.name));
    });

    it('tells an NPC how the facts talked about relate, only where it may know both ends', () => {
      const relationships = [
        { source: 'Red Hand', type: 'runs', target: 'Silver Stag', bidirectional: false },
        { source: 'Ironhold', type: 'trades_with', target: 'Silver Stag', bidirectional: true },
        { source: 'Red Hand', type: 'hides', target: 'Black Key', bidirectional: false },
        // Neither end talked about: left out, however well known.
        { source: 'Far Harbour', type: 'rivals', target: 'Deep Mine', bidirectional: true },
      ];
      const world = [...facts, entity('Far Harbour', 'A port.'), entity('Deep Mine', 'A mine.')];
      const told = (speaker: NpcDefinition) => {
        const { system } = buildTurnRequest({ npc: speaker, entities: world, relationships, memory: memoryOf(talk) });
        return system.split('How they relate:')[1]?.trim().split('\n') ?? [];
      };
      expect(told(npc('Bess'))).toEqual(['- Red Hand runs Silver Stag', '- Ironhold trades with Silver Stag (and the other way round)']);
      // Its scope knows of the Red Hand but not the inn: neither relationship is its to tell.
      expect(told(npc('Grimjaw', { knowledge_scope: ['thieves', 'vault'] }))).toEqual(['- Red Hand hides Black Key']);
      expect(told(npc('Scribe', { gm_helper: true }))).toHaveLength(3);
      expect(told(npc('Nobody', { knowledge_scope: ['dragons'] }))).toEqual([]);
    });

    it("holds the NPC's own secret and rules, never another NPC's", () => {
      const grim = npc('Grimjaw', { secret_knowledge: 'Owes the Red Hand forty gold.', behavior_rules: ['Never mentions his brother.'] });
      const bess = npc('Bess', { secret_knowledge: 'Poisoned the last tax collector.', behavior_rules: ['Always offers a room.'] });
      const request = (speaker: NpcDefinition) => buildTurnRequest({ npc: speaker, entities: facts, memory: memoryOf(talk) });
      const forGrim = JSON.stringify(request(grim));
      const forBess = JSON.stringify(request(bess));
      expect(request(grim).system).toMatch(/What only you know \(a secret[^\n]*\nOwes the Red Hand forty gold\./);
      expect(request(grim).system).toMatch(/Rules the game master set for you:\n- Never mentions his brother\./);
      expect(forGrim).not.toContain('tax collector');
      expect(forGrim).not.toContain('Always offers a room');
      expect(forBess).toContain('Poisoned the last tax collector.');
      expect(forBess).not.toContain('forty gold');
      expect(forBess).not.toContain('his brother');
    });
  });

  it('tells a GM helper to help the DM out of character', () => {
    const helper = npc('Scribe', { gm_helper: true });
    const { system } = buildTurnRequest({ npc: helper, entities: [], memory: memoryOf([]) });
    expect(system).toContain("game master's assistant");
    expect(system).not.toContain('Stay in character');
  });

  it.each<BudgetTier>(['fast', 'standard', 'deep'])('never exceeds the %s budget, keeping the newest lines', (tier) => {
    const speaker = npc('Grimjaw', {
      budget_tier: tier,
      personality: 'Gruff. '.repeat(570),
      secret_knowledge: 'Hidden. '.repeat(500),
      behavior_rules: Array.from({ length: 100 }, (_, i) => `Rule ${i}: ${'never '.repeat(i)}`),
      knowledge_scope: ['vault', 'Ironhold'],
    });
    const lines = Array.from({ length: 2000 }, (_, i) =>
      i % 7 === 3 ? said('Grimjaw', `Reply number ${i}. ${'Hm. '.repeat(i % 50)}`, true) : said(`Player${i % 4}`, `Line number ${i} about Ironhold and the vault. ${'blah '.repeat(i % 90)}`),
    );
    lines.push(said('Ana', `The newest question, ${'very long '.repeat(390)} about the Ironhold vault?`));
    const entities = Array.from({ length: 1000 }, (_, i) => entity(i % 2 ? 'Ironhold' : `Vault ${i}`, `Fact ${i}. ${'Lore. '.repeat(600)}`, ['vault']));

    const request = buildTurnRequest({ npc: speaker, entities, memory: memoryOf(lines) });
    expect(size(request) / CHARS_PER_TOKEN).toBeLessThanOrEqual(inputBudgetTokens(tier));
    expect(request.messages.at(-1)?.content).toMatch(/about the Ironhold vault\?$/);
    expect((request.system.match(/ \(lore\): /g) ?? []).length).toBeLessThanOrEqual(CONTEXT_BUDGETS[tier].maxFacts);
    expect(request.maxTokens).toBe(CONTEXT_BUDGETS[tier].maxTokens);
    // Clipped, each of persona, rules and secret keeps its share.
    for (const part of ['Gruff.', 'Rule 0:', 'Hidden.']) expect(request.system).toContain(part);
    expectAlternating(request);

    // Without the giant newest line, whole recent lines are kept, newest last, oldest dropped.
    const shorter = buildTurnRequest({ npc: speaker, entities, memory: memoryOf(lines.slice(0, -1)) });
    expect(size(shorter) / CHARS_PER_TOKEN).toBeLessThanOrEqual(inputBudgetTokens(tier));
    const text = shorter.messages.map((m) => m.content).join('\n');
    expect(text).toContain(`Line number 1999 about Ironhold`);
    expect(text).not.toContain('Line number 5 ');
  });
});
