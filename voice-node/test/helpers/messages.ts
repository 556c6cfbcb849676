import { randomUUID } from 'node:crypto';
import type { NpcCommand, NpcDefinition, StartSession } from '@glyphoxa/protocol';

/** A provider key that must never appear in a log line. */
export const SECRET_API_KEY = 'sk-live-do-not-log-0123456789';

export function npc(name: string, overrides: Partial<NpcDefinition> = {}): NpcDefinition {
  return {
    id: `npc-${name.toLowerCase()}`,
    name,
    aliases: [],
    personality: `${name} is a character.`,
    voice: { provider: 'elevenlabs', voice_id: 'v1', pitch: 0, speed: 1 },
    budget_tier: 'standard',
    gm_helper: false,
    muted: false,
    knowledge_scope: [],
    behavior_rules: [],
    tools: [],
    ...overrides,
  };
}

export function startSession(overrides: Partial<StartSession> = {}): StartSession {
  return {
    type: 'start_session',
    session_id: randomUUID(),
    tenant_id: 'acme',
    campaign_id: null,
    guild_id: '123456789012345678',
    channel_id: '223456789012345678',
    started_by: '323456789012345678',
    npcs: [npc('Grimble', { aliases: ['the innkeeper'] }), npc('Mara')],
    entities: [],
    providers: { llm: { kind: 'openai', base_url: 'https://api.example.com/v1', api_key: SECRET_API_KEY, model: 'm' } },
    audio: { transport: 'websocket', token: 'audio-token' },
    ...overrides,
  };
}

let requests = 0;

/** An `npc_command` with a fresh request id. */
export function npcCommand(session_id: string, command: DistributiveOmit<NpcCommand, 'type' | 'request_id' | 'session_id'>): NpcCommand {
  requests += 1;
  return { type: 'npc_command', request_id: `req-${requests}`, session_id, ...command } as NpcCommand;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
