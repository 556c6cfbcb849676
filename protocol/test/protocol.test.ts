import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  boundedJsonObject,
  transcriptHead,
  MAX_JSON_DEPTH,
  MAX_MESSAGE_BYTES,
  MAX_TEXT_LENGTH,
  PROTOCOL_VERSION,
  parseEdgeMessage,
  parseNodeMessage,
  type EdgeMessage,
  type NodeMessage,
  type NpcDefinition,
} from '../src/index.ts';

const SESSION = '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11';

const npc: NpcDefinition = {
  id: 'npc-1',
  name: 'Grimble',
  aliases: ['the innkeeper'],
  personality: 'Grumpy but kind.',
  voice: { provider: 'elevenlabs', voice_id: 'v-1', pitch: -2, speed: 1.1 },
  budget_tier: 'standard',
  gm_helper: false,
  muted: false,
  knowledge_scope: ['the inn', 'Ironhold'],
  secret_knowledge: 'Owes the guild forty gold.',
  behavior_rules: ['Never talks about the cellar.'],
  tools: ['roll_dice'],
};

const nodeMessages: Record<NodeMessage['type'] | 'reply_error', NodeMessage> = {
  hello: { type: 'hello', node_id: 'node-a', version: '0.1.0', protocol: PROTOCOL_VERSION, capacity: 4, region: 'eu' },
  heartbeat: { type: 'heartbeat', sessions: [SESSION], load: 1 },
  session_state: { type: 'session_state', session_id: SESSION, state: 'ended', reason: 'failed', detail: 'boom' },
  transcript: {
    type: 'transcript',
    session_id: SESSION,
    entries: [{ speaker_id: 'u1', speaker_name: 'Ana', npc: false, text: 'Hello there', at: new Date().toISOString() }],
  },
  usage: { type: 'usage', session_id: SESSION, seq: 1, llm_tokens: 120, stt_seconds: 4.5, tts_chars: 80 },
  turn: {
    type: 'turn',
    session_id: SESSION,
    npc: 'Grimble',
    timings: { stt_final_ms: 250, llm_first_token_ms: 560, tts_first_byte_ms: 720, first_audio_ms: 730 },
  },
  reply: { type: 'reply', request_id: 'r1', ok: true, data: { npcs: [{ name: 'Grimble', muted: false }] } },
  reply_error: { type: 'reply', request_id: 'r2', ok: false, error: { code: 'npc_not_found', message: 'No NPC "Bob"' } },
};

const edgeMessages: Record<EdgeMessage['type'] | 'npc_command_speak', EdgeMessage> = {
  welcome: { type: 'welcome', node_id: 'node-a', pool: 'shared', heartbeat_interval_ms: 5000 },
  start_session: {
    type: 'start_session',
    session_id: SESSION,
    tenant_id: 'acme',
    campaign_id: null,
    guild_id: '123456789012345678',
    channel_id: '223456789012345678',
    started_by: '323456789012345678',
    npcs: [npc],
    entities: [{ name: 'The Rusty Flagon', type: 'location', description: 'A tavern by the docks.', tags: ['tavern'] }],
    providers: { llm: { kind: 'openai', base_url: 'https://api.openai.com/v1', api_key: 'sk-x', model: 'gpt-4o-mini' } },
    audio: { transport: 'discord', bot_token: 'bot-token-x' },
  },
  stop_session: { type: 'stop_session', session_id: SESSION, reason: 'quota' },
  npc_command: { type: 'npc_command', request_id: 'r1', session_id: SESSION, action: 'mute', name: 'Grimble' },
  npc_roster: { type: 'npc_roster', session_id: SESSION, npcs: [npc] },
  npc_command_speak: {
    type: 'npc_command',
    request_id: 'r2',
    session_id: SESSION,
    action: 'speak',
    name: 'Grimble',
    text: 'Welcome, travellers!',
  },
  session_notice: { type: 'session_notice', session_id: SESSION, level: 'warning', message: 'About 5 minute(s) left' },
  error: { type: 'error', code: 'invalid_message', message: 'capacity: Invalid type', field: 'capacity', request_type: 'hello' },
};

function nodeError(message: unknown) {
  const result = parseNodeMessage(JSON.stringify(message));
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

function edgeError(message: unknown) {
  const result = parseEdgeMessage(JSON.stringify(message));
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

describe('node -> edge messages', () => {
  it.each(Object.entries(nodeMessages))('%s survives a round trip', (_kind, message) => {
    expect(parseNodeMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  it('names the missing field', () => {
    const { node_id: _omitted, ...hello } = nodeMessages.hello as Extract<NodeMessage, { type: 'hello' }>;
    const { error } = nodeError(hello);
    expect(error).toMatchObject({ code: 'invalid_message', field: 'node_id' });
    expect(error.message).toMatch(/^node_id: /);
  });

  it('names a nested field with a dotted path', () => {
    const transcript = nodeMessages.transcript as Extract<NodeMessage, { type: 'transcript' }>;
    const entry = { ...transcript.entries[0], at: 'yesterday' };
    expect(nodeError({ ...transcript, entries: [entry] }).error.field).toBe('entries.0.at');
  });

  it('rejects wrong types', () => {
    expect(nodeError({ ...nodeMessages.hello, capacity: '4' }).error.field).toBe('capacity');
    expect(nodeError({ ...nodeMessages.hello, capacity: -1 }).error.field).toBe('capacity');
    expect(nodeError({ ...nodeMessages.usage, seq: 0 }).error.field).toBe('seq');
    expect(nodeError({ ...nodeMessages.session_state, session_id: 'not-a-uuid' }).error.field).toBe('session_id');
    expect(nodeError({ ...nodeMessages.session_state, reason: 'bored' }).error.field).toBe('reason');
  });

  it('rejects an unknown message type, naming `type`', () => {
    const result = nodeError({ type: 'launch_missiles', request_id: 'r9' });
    expect(result.error.field).toBe('type');
    expect(result.context).toEqual({ type: 'launch_missiles', request_id: 'r9' });
  });

  it('requires an error body on failed replies', () => {
    expect(nodeError({ type: 'reply', request_id: 'r1', ok: false }).error.field).toBe('error');
  });

  it('bounds transcript batches to 1..100 entries', () => {
    const transcript = nodeMessages.transcript as Extract<NodeMessage, { type: 'transcript' }>;
    const entry = transcript.entries[0];
    expect(nodeError({ ...transcript, entries: [] }).error.field).toBe('entries');
    expect(nodeError({ ...transcript, entries: Array(101).fill(entry) }).error.field).toBe('entries');
  });

  it('drops unknown fields, so peers can add optional ones without a version bump', () => {
    const result = parseNodeMessage(JSON.stringify({ ...nodeMessages.heartbeat, future_field: 1 }));
    expect(result).toEqual({ ok: true, message: nodeMessages.heartbeat });
  });
});

describe('edge -> node messages', () => {
  it.each(Object.entries(edgeMessages))('%s survives a round trip', (_kind, message) => {
    expect(parseEdgeMessage(JSON.stringify(message))).toEqual({ ok: true, message });
  });

  it('accepts the argument-less NPC actions', () => {
    for (const action of ['list', 'muteall', 'unmuteall']) {
      const message = { type: 'npc_command', request_id: 'r', session_id: SESSION, action };
      expect(parseEdgeMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    }
  });

  it('rejects mute and unmute without a name', () => {
    for (const action of ['mute', 'unmute']) {
      const result = edgeError({ type: 'npc_command', request_id: 'r1', session_id: SESSION, action });
      expect(result.error.field).toBe('name');
      expect(result.context.request_id).toBe('r1');
    }
  });

  it('rejects speak without text', () => {
    const { text: _omitted, ...speak } = edgeMessages.npc_command_speak as Extract<EdgeMessage, { action: 'speak' }>;
    expect(edgeError(speak).error.field).toBe('text');
    expect(edgeError({ ...speak, text: '' }).error.field).toBe('text');
  });

  it('rejects an unknown NPC action, naming `action`', () => {
    expect(edgeError({ ...edgeMessages.npc_command, action: 'explode' }).error.field).toBe('action');
  });

  it('validates NPC definitions inside start_session', () => {
    const start = edgeMessages.start_session as Extract<EdgeMessage, { type: 'start_session' }>;
    const loud = { ...npc, voice: { ...npc.voice, pitch: 11 } };
    expect(edgeError({ ...start, npcs: [loud] }).error.field).toBe('npcs.0.voice.pitch');
    expect(edgeError({ ...start, npcs: [{ ...npc, budget_tier: 'huge' }] }).error.field).toBe('npcs.0.budget_tier');
    expect(edgeError({ ...start, campaign_id: undefined }).error.field).toBe('campaign_id');
  });

  it('takes NPC definitions without knowledge fields, from an edge older than them', () => {
    const start = edgeMessages.start_session as Extract<EdgeMessage, { type: 'start_session' }>;
    const { knowledge_scope: _scope, secret_knowledge: _secret, behavior_rules: _rules, ...older } = npc;
    const parsed = parseEdgeMessage(JSON.stringify({ ...start, npcs: [older] }));
    expect(parsed).toEqual({ ok: true, message: { ...start, npcs: [{ ...older, knowledge_scope: [], behavior_rules: [] }] } });
    expect(edgeError({ ...start, npcs: [{ ...npc, knowledge_scope: [''] }] }).error.field).toBe('npcs.0.knowledge_scope.0');
  });

  it('rejects a provider base_url that is not a URL', () => {
    const start = edgeMessages.start_session as Extract<EdgeMessage, { type: 'start_session' }>;
    const providers = { tts: { kind: 'x', base_url: 'not a url', model: 'm' } };
    expect(edgeError({ ...start, providers }).error.field).toBe('providers.tts.base_url');
  });

  it('rejects a heartbeat interval out of range', () => {
    expect(edgeError({ ...edgeMessages.welcome, heartbeat_interval_ms: 10 }).error.field).toBe('heartbeat_interval_ms');
  });
});

describe('bad frames', () => {
  it('reports invalid JSON without throwing', () => {
    expect(parseNodeMessage('{"type":')).toEqual({
      ok: false,
      error: { code: 'invalid_json', message: 'Message is not valid JSON' },
      context: {},
    });
  });

  it('rejects non-object JSON', () => {
    for (const raw of ['null', '42', '"hello"', '[]']) {
      const result = parseEdgeMessage(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid_message');
    }
  });

  it('rejects oversize frames before parsing them', () => {
    const result = parseNodeMessage(' '.repeat(MAX_MESSAGE_BYTES + 1));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('measures the cap in UTF-8 bytes, not characters', () => {
    // 400k three-byte characters: under the cap in length, over it in bytes.
    const result = parseNodeMessage(JSON.stringify({ type: 'x', pad: '€'.repeat(400_000) }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_message', message: /exceeds/ } });
  });

  it('caps free text and ids', () => {
    const speak = edgeMessages.npc_command_speak;
    expect(edgeError({ ...speak, text: 'a'.repeat(MAX_TEXT_LENGTH + 1) }).error.field).toBe('text');
    expect(edgeError({ ...speak, request_id: 'r'.repeat(129) }).error.field).toBe('request_id');
  });

  it('never throws, whatever it is given', () => {
    const inputs = ['', '{}', '{"type":null}', '{"type":"hello","protocol":1e309}', '\u0000', undefined, 7];
    for (const raw of inputs) {
      expect(() => parseNodeMessage(raw)).not.toThrow();
      expect(() => parseEdgeMessage(raw)).not.toThrow();
    }
  });

  it('rejects binary frames as invalid messages', () => {
    const result = parseEdgeMessage(new ArrayBuffer(8));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_message', message: /text frame/ } });
  });

  it('refuses NUL in any string or key, on both ends, naming where', () => {
    const transcript = nodeMessages.transcript as Extract<NodeMessage, { type: 'transcript' }>;
    const line = { ...transcript.entries[0]!, text: 'a\u0000b' };
    expect(parseNodeMessage(JSON.stringify({ ...transcript, entries: [line] }))).toMatchObject({
      ok: false,
      error: { code: 'invalid_message', field: 'entries.0.text', message: 'entries.0.text: must not contain NUL characters (U+0000)' },
      context: { type: 'transcript' },
    });
    const reply = { type: 'reply', request_id: 'r1', ok: true, data: { 'k\u0000': 1 } };
    expect(parseNodeMessage(JSON.stringify(reply))).toMatchObject({ ok: false, error: { field: 'data.k\\u0000' } });
    expect(parseEdgeMessage(JSON.stringify({ ...edgeMessages.npc_command_speak, text: '\u0000' }))).toMatchObject({ ok: false, error: { field: 'text' } });
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const reply = (depth: number) => `{"type":"reply","request_id":"r1","ok":true,"data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(parseNodeMessage(reply(10_000))).toMatchObject({ ok: false, error: { message: /nests deeper than 32 levels$/ }, context: { request_id: 'r1' } });
    expect(parseNodeMessage(reply(MAX_JSON_DEPTH - 1)).ok).toBe(true);
  });
});

describe('free-form JSON fields', () => {
  it('take an object of at most the given size, never an array', () => {
    const field = boundedJsonObject(32);
    expect(v.is(field, { a: 1 })).toBe(true);
    expect(v.is(field, [])).toBe(false);
    expect(v.is(field, null)).toBe(false);
    expect(v.safeParse(field, { a: 'x'.repeat(30) }).issues?.[0]?.message).toBe('must be at most 32 bytes as JSON');
    expect(v.is(field, { a: '€'.repeat(9) })).toBe(false);
  });
});

describe('a transcript frame read for its budget', () => {
  it('gives the session, seq and line count without validating the lines, and nothing for other frames', () => {
    const frame = JSON.stringify({ type: 'transcript', session_id: SESSION, seq: 7, entries: [{ text: 1 }, {}] });
    expect(transcriptHead(frame)).toEqual({ session_id: SESSION, seq: 7, lines: 2 });
    expect(transcriptHead(JSON.stringify({ type: 'transcript', session_id: SESSION, entries: [] }))).toEqual({ session_id: SESSION, seq: undefined, lines: 0 });
    expect(transcriptHead(JSON.stringify(nodeMessages.heartbeat))).toBeNull();
    expect(transcriptHead('{"type":"transcript"')).toBeNull();
  });
});
