import type { NpcDefinition } from '@glyphoxa/protocol';
import { NpcToolbelt, type ToolbeltOptions } from './npc-toolbelt.ts';

/** A session's NPC toolbelts, one per NPC that has tools, made when first needed and closed with the session. */
export class SessionToolbox {
  private readonly belts = new Map<string, NpcToolbelt>();
  private readonly options: ToolbeltOptions;

  constructor(options: ToolbeltOptions) {
    this.options = options;
  }

  for(npc: NpcDefinition): NpcToolbelt {
    let belt = this.belts.get(npc.id);
    if (!belt) this.belts.set(npc.id, (belt = new NpcToolbelt(npc, this.options)));
    return belt;
  }

  /** Fetches the tokens and tool lists of NPCs with tools now, so their first turn does not wait for them. */
  warm(npcs: readonly NpcDefinition[]): void {
    for (const npc of npcs) if (npc.tools.length > 0) void this.for(npc).offer(npc.tools);
  }

  close(): void {
    for (const belt of this.belts.values()) belt.close();
    this.belts.clear();
  }
}
