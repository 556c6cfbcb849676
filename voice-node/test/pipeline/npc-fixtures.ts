import type { NpcDefinition } from '@glyphoxa/protocol';

/** An NPC as a session receives it, with test-chosen overrides. */
export function npc(name: string, overrides: Partial<NpcDefinition> = {}): NpcDefinition {
  return {
    id: `npc-${name.toLowerCase().replace(/\W+/g, '-')}`,
    name,
    aliases: [],
    personality: `${name} is a character of the campaign.`,
    voice: { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 },
    budget_tier: 'standard',
    gm_helper: false,
    muted: false,
    knowledge_scope: [],
    behavior_rules: [],
    tools: [],
    ...overrides,
  };
}

/** A party's worth of NPCs whose names sit near ordinary words ("Thorne"/"throne", "Mira"/"mirror", "Orin"/"orange"). */
export const CAST: NpcDefinition[] = [
  npc('Grimjaw', { aliases: ['the old dwarf'] }),
  npc('Elara'),
  npc('Thorne'),
  npc('Mira'),
  npc('Orin'),
  npc('Seraphine'),
  npc('Captain Vex', { aliases: ['Vex'] }),
  npc('Brother Aldric', { aliases: ['Aldric'] }),
  npc('Bess', { aliases: ['the innkeeper'] }),
];

/** Ordinary table talk: none of it names anyone in `CAST`. */
export const TABLE_TALK = `I roll for initiative.
Okay, I rolled a seventeen, does that hit?
Can someone pass me the dice?
Let's go back to the tavern and rest for the night.
I think we should take the left path through the forest.
My character draws her sword and steps forward.
What's my armor class again?
I cast magic missile at the nearest goblin.
Hold on, I need to grab a drink from the kitchen.
That was a really grim situation back there.
Is it my turn yet?
We have about three hundred gold pieces left.
I search the room for traps.
Honestly I'm just here for the snacks.
The map says there's a river to the north.
Can I use my bonus action to hide?
I'd like to buy some rope and a lantern.
Did anyone write down the name of that town?
We were all pretty tired after that fight.
We all are tired, to be honest.
I'll take the first watch tonight.
Sorry, my mic was muted.
Should we sell the gems or keep them?
That's a good idea, let's do that.
How many hit points do I have left?
I whisper to the party that this feels like a trap.
The rogue sneaks around the corner.
Wait, what did he say about the mirror?
I'll throw the torch into the room.
This is taking forever, can we move on?
I walk over to the bar and order an ale.
Let me look at my spell list real quick.
We could always go around the mountain.
Does the throne look valuable?
I grab the torn page from the table.
There's more of them coming from the cave.
Clear the area and set up camp.
I feel like a lot of things are happening at once.
The allure of the treasure is too much for me.
I'm casting cure wounds on the fighter.
Can I make a perception check?
Did we ever find the missing key?
Who has the healing potions?
We should have brought more arrows.
That was amazing, nice roll!
Give me a second, I'm looking it up.
I think the real villain is the mayor.
The grimace on his face said it all.
The veil between worlds is thin here.
Maybe the orange potion is poison.
I'll try to calm the horse.
We're almost out of rations.
Is the bridge safe to cross?
The north tower is where we saw the light.
My brother is visiting this weekend.
I'll bring more snacks next week.`.split('\n');
