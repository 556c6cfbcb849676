import type { CampaignContent } from './repos/campaigns.ts';

/** A small world a fresh install can play at once: two characters, a narrator and a few facts. */
export const DEMO_CAMPAIGN: CampaignContent = {
  campaign: {
    name: 'The Ironhold Commission',
    gameSystem: 'dnd5e',
    language: 'en',
    description: 'A dwarven smith needs a lost shipment of star-iron back before the Duke comes to collect his blade.',
  },
  npcs: [
    {
      name: 'Grimjaw',
      aliases: ['Grimjaw the Blacksmith', 'the smith'],
      personality: 'A 147-year-old dwarven blacksmith in Ironhold. Gruff but kind; short, clipped sentences; avoids eye contact when lying.',
      voice: { provider: 'espeak', voice_id: 'en-gb-scotland', pitch: -4, speed: 0.9 },
      budgetTier: 'standard',
      knowledgeScope: ['Ironhold', 'smithing', 'the star-iron shipment'],
      secretKnowledge: 'He sold half the star-iron to the Redbrands to pay a debt.',
      behaviorRules: ['Never admits the debt unless shown the ledger.'],
    },
    {
      name: 'Elara',
      aliases: ['Elara the Archivist', 'the archivist'],
      personality: 'An elven archivist of the Hall of Records: precise, patient, quietly amused by short-lived folk.',
      voice: { provider: 'espeak', voice_id: 'en-us', pitch: 3, speed: 1 },
      knowledgeScope: ['history of Ironhold', 'old maps', 'the Pact of Stone'],
      behaviorRules: ['Answers questions with the source she read it in.'],
    },
    {
      name: 'The Narrator',
      aliases: ['Narrator'],
      personality: "The table's narrator: speaks recaps and scene descriptions in a warm storyteller's voice, never as a character.",
      voice: { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 },
      gmHelper: true,
    },
  ],
  entities: [
    { name: 'Ironhold', type: 'location', description: 'A dwarven mining town carved into the side of Mount Kerrak.', tags: ['town'] },
    { name: "Grimjaw's Forge", type: 'location', description: 'The oldest forge in Ironhold; its fire has not gone out in a century.', tags: ['ironhold', 'shop'] },
    { name: 'Star-iron', type: 'item', description: 'Metal from a fallen star; holds an edge forever and hums near magic.', tags: ['rare', 'metal'] },
    { name: 'Redbrands', type: 'faction', description: 'Ruffians in red cloaks who extort the caravans on the mountain road.', tags: ['antagonist'] },
    { name: 'The Lost Shipment', type: 'quest', description: "Find the wagon of star-iron that never reached Grimjaw's forge.", tags: ['main quest'] },
  ],
};
