import type { StartSession } from '@glyphoxa/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type Prompt, type StandIn } from '../../providers/test/stand-ins/index.ts';
import { SILENCE_FRAME } from '../src/audio/opus.ts';
import { connectAudioClient, type AudioClient } from '../src/transport/websocket-audio-client.ts';
import { npc, npcCommand, startSession } from './helpers/messages.ts';
import { until } from './helpers/until.ts';
import { killAll, startNode, startPeer, type Line, type Peer, type VoiceNode } from './helpers/processes.ts';
import { readFixture, rms } from './audio/signals.ts';
import { fixtureOpusFrames } from './transport/fixture-frames.ts';

/**
 * Real speech (espeak-ng fixtures) through the WebSocket audio transport into a
 * real voice-node process, with OpenAI-compatible stand-ins for STT, LLM and TTS:
 * the whole pipeline, VAD to mixer, as a player and the DM would use it.
 */

const DM = '323456789012345678';
const PLAYER = '423456789012345678';
const OTHER_PLAYER = '523456789012345678';

/** What each fixture says; the STT stand-in knows a fixture by its length (they differ by > 250 ms). */
const SPOKEN = {
  'grimjaw-what-do-you-sell': 'Grimjaw, what do you sell?',
  'elara-tell-me-about-the-tower': 'Elara, tell me about the tower.',
  'everyone-stop': 'Everyone stop.',
} as const;
type Fixture = keyof typeof SPOKEN;
/**
 * How much audio the node hands STT for a whole fixture: its speech, from the first loud
 * 20 ms frame to the last, plus the VAD's ~250 ms of context before it. The STT stand-in
 * knows a fixture by that length (they differ by more than 300 ms).
 */
const heardSeconds = (fixture: Fixture) => {
  const { samples, sampleRate } = readFixture(fixture);
  const frame = sampleRate / 50;
  const loud: number[] = [];
  for (let at = 0; at + frame <= samples.length; at += frame) if (rms(samples.subarray(at, at + frame)) > 0.006) loud.push(at);
  return (loud.at(-1)! - loud[0]! + frame) / sampleRate + 0.25;
};
/** What is heard at a pause after the name ("Grimjaw, ..."): too little to be recognized as anything. */
const NAME_ONLY_SECONDS = 0.8;

const grimjaw = npc('Grimjaw', {
  personality: 'A gruff dwarven blacksmith who loves his forge.',
  voice: { provider: 'openai', voice_id: 'onyx', pitch: -3, speed: 0.9 },
});
const elara = npc('Elara', {
  personality: 'An elven archivist, precise and curious.',
  voice: { provider: 'openai', voice_id: 'nova', pitch: 2, speed: 1.2 },
});
/** The campaign's GM helper: the voice the edge's notices are spoken in. */
const scribe = npc('Scribe', { gm_helper: true, voice: { provider: 'openai', voice_id: 'alloy', pitch: 0, speed: 1 } });

/** Replies by the NPC the system prompt is for; `long` makes Grimjaw talk for seconds (barge-in). */
let longReplies = false;
function reply(prompt: Prompt): string {
  if (prompt.system.includes('Grimjaw')) {
    return longReplies
      ? Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} about my many fine axes and hammers.`).join(' ')
      : 'Axes and hammers, friend. The finest in the valley.';
  }
  return 'The tower is older than the kingdom itself.';
}

function transcript(samples: Int16Array): string {
  const seconds = samples.length / 16_000;
  const candidates: Array<[number, string]> = [[NAME_ONLY_SECONDS, ''], ...(Object.keys(SPOKEN) as Fixture[]).map((f): [number, string] => [heardSeconds(f), SPOKEN[f]])];
  return candidates.sort((a, b) => Math.abs(a[0] - seconds) - Math.abs(b[0] - seconds))[0]![1];
}

let stt: StandIn;
let llm: StandIn;
let tts: StandIn;

beforeAll(async () => {
  [stt, llm, tts] = await Promise.all([
    startOpenAiStandIn({ transcript }),
    startOpenAiStandIn({ reply, latency: { firstByteMs: 50, chunkMs: 5 } }),
    startOpenAiStandIn(),
  ]);
});
afterAll(async () => {
  await Promise.all([stt.close(), llm.close(), tts.close()]);
});
afterEach(async () => {
  longReplies = false;
  await killAll();
});

interface Running {
  peer: Peer;
  node: VoiceNode;
  start: StartSession;
  speak(speakerId: string, fixture: Fixture): Promise<AudioClient>;
  client(speakerId: string): Promise<AudioClient>;
}

/** A node checked in to a stand-in edge, running one browser-audio session with these NPCs (Grimjaw and Elara). */
async function session(nodeArgs: string[] = [], npcs = [grimjaw, elara]): Promise<Running> {
  const peer = await startPeer();
  const node = startNode(peer, nodeArgs);
  const hello = await peer.line((l) => l.message?.type === 'hello', 'hello');
  const endpoint = (provider: StandIn) => ({ kind: 'openai', base_url: provider.url, api_key: 'sk-test', model: 'test-model' });
  const start = startSession({
    npcs,
    providers: { stt: endpoint(stt), llm: endpoint(llm), tts: endpoint(tts) },
    audio: { transport: 'websocket', token: 'browser-token' },
    started_by: DM,
  });
  peer.send(start);
  await peer.line((l) => l.message?.type === 'session_state' && l.message.state === 'active', 'active');
  const clients = new Map<string, AudioClient>();
  const client = async (speakerId: string) => {
    let found = clients.get(speakerId);
    if (!found) {
      found = await connectAudioClient({
        url: `${hello.message.audio_url}/${start.session_id}`,
        token: 'browser-token',
        speakerId,
        speakerName: speakerId === DM ? 'The DM' : `Player ${speakerId.slice(0, 2)}`,
      });
      clients.set(speakerId, found);
    }
    return found;
  };
  return {
    peer,
    node,
    start,
    client,
    async speak(speakerId, fixture) {
      const c = await client(speakerId);
      await c.streamFrames(fixtureOpusFrames(fixture));
      return c;
    },
  };
}

const audible = (client: AudioClient) => client.frames.filter((f) => f.value.length > SILENCE_FRAME.length);

const transcriptLines = (peer: Peer) => peer.messages('transcript').flatMap((m: Line) => m.entries);
/** Requests since the current test began (the stand-ins outlive tests). */
let marks = { llm: 0, tts: 0, stt: 0 };
beforeEach(() => {
  marks = { llm: llm.requests.length, tts: tts.requests.length, stt: stt.requests.length };
});
const chatRequestsFor = (name: string) =>
  llm.requests.slice(marks.llm).filter((r) => JSON.stringify((r.body as { messages: unknown[] }).messages[0]).includes(name));
const speechRequests = () => tts.requests.slice(marks.tts).filter((r) => r.path === '/v1/audio/speech');

describe('a voice session through the WebSocket transport', () => {
  it('answers the player with the NPC they named, in that NPC voice, and reports it all to the edge', async () => {
    const { peer, speak } = await session();
    const player = await speak(PLAYER, 'grimjaw-what-do-you-sell');

    await until('Grimjaw to be heard', () => audible(player).length > 10);
    const speaking = await player.waitForEvent((e) => e.type === 'speaking' && e.speaking);
    expect(speaking.value).toMatchObject({ npc: 'Grimjaw' });

    const chat = chatRequestsFor('Grimjaw')[0]!.body as { messages: Array<{ role: string; content: string }> };
    expect(JSON.stringify(chat.messages)).toContain('Grimjaw, what do you sell?');
    expect(JSON.stringify(chat.messages[0])).toContain('gruff dwarven blacksmith');
    // Streamed: the first sentence went to TTS on its own, with Grimjaw's voice and speed.
    const first = speechRequests()[0]!.body as { input: string; voice: string; speed?: number };
    expect(first).toMatchObject({ input: 'Axes and hammers, friend.', voice: 'onyx', speed: 0.9 });
    expect(chatRequestsFor('Elara')).toEqual([]);

    const lines = await until('both transcript lines', () => {
      const all = transcriptLines(peer);
      return all.length >= 2 ? all : undefined;
    });
    expect(lines.slice(0, 2)).toMatchObject([
      { speaker_id: PLAYER, text: 'Grimjaw, what do you sell?' },
      { speaker_id: grimjaw.id, speaker_name: 'Grimjaw', npc: true, text: 'Axes and hammers, friend. The finest in the valley.' },
    ]);
    const turn = await peer.line((l) => l.message?.type === 'turn', 'turn timings');
    expect(turn.message).toMatchObject({ npc: 'Grimjaw' });
    const { stt_final_ms, llm_first_token_ms, tts_first_byte_ms, first_audio_ms } = turn.message.timings;
    // The answer may start before the final transcript is in, but is heard only after it.
    expect(llm_first_token_ms).toBeLessThanOrEqual(tts_first_byte_ms);
    expect(tts_first_byte_ms).toBeLessThanOrEqual(first_audio_ms);
    expect(stt_final_ms).toBeLessThanOrEqual(first_audio_ms);

    // Usage arrives as deltas, each a second after use at most.
    const usage = await until('usage for the whole turn', () => {
      const sum = { llm_tokens: 0, stt_seconds: 0, tts_chars: 0 };
      for (const m of peer.messages('usage')) for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += m[key];
      return sum.tts_chars > 0 && sum.llm_tokens > 0 ? sum : undefined;
    });
    expect(peer.messages('usage').map((m: Line) => m.seq)).toEqual(peer.messages('usage').map((_: Line, i: number) => i + 1));
    expect(usage.stt_seconds).toBeGreaterThan(1.5);
    // Characters sent to TTS: each sentence on its own.
    expect(usage.tts_chars).toBe('Axes and hammers, friend.'.length + 'The finest in the valley.'.length);
  });

  it('answers a typed line at once, and shows every client the transcript as it is spoken', async () => {
    const { peer, client } = await session();
    const player = await client(PLAYER);
    const watcher = await client(OTHER_PLAYER);
    player.sendText('  Elara, tell me about the tower.  ');

    await until('Elara to be heard', () => audible(player).length > 10);
    expect((await player.waitForEvent((e) => e.type === 'speaking' && e.speaking)).value).toMatchObject({ npc: 'Elara' });
    // Nothing was spoken, so nothing was recognized: the typed words went to the LLM as they were.
    expect(stt.requests.slice(marks.stt)).toEqual([]);
    expect(JSON.stringify(chatRequestsFor('Elara')[0]!.body)).toContain('Elara, tell me about the tower.');

    const expected = [
      { speaker_id: PLAYER, speaker_name: `Player ${PLAYER.slice(0, 2)}`, text: 'Elara, tell me about the tower.' },
      { speaker_id: elara.id, speaker_name: 'Elara', npc: true, text: 'The tower is older than the kingdom itself.' },
    ];
    for (const c of [player, watcher]) {
      await c.waitForEvent((e) => e.type === 'transcript' && e.entry.npc === true, 10_000);
      expect(c.events.flatMap((e) => (e.value.type === 'transcript' ? [e.value.entry] : []))).toMatchObject(expected);
    }
    // The same lines reach the edge, in its batches.
    const lines = await until('both lines at the edge', () => (transcriptLines(peer).length >= 2 ? transcriptLines(peer) : undefined));
    expect(lines).toMatchObject(expected);
  });

  it('ignores a typed line that is empty or not a text message, and keeps the connection', async () => {
    const { client } = await session();
    const player = await client(PLAYER);
    player.sendText('   ');
    player.sendFrame(new Uint8Array([1, 2, 3]));
    player.sendText('Grimjaw, what do you sell?');
    const line = await player.waitForEvent((e) => e.type === 'transcript', 10_000);
    expect(line.value).toMatchObject({ entry: { speaker_id: PLAYER, text: 'Grimjaw, what do you sell?' } });
    await until('Grimjaw to be heard', () => audible(player).length > 10);
  });

  it('keeps a muted NPC silent, and lets it answer again once unmuted', async () => {
    // At debug level the node logs whom it decided should answer each utterance.
    const { peer, node, start, speak } = await session(['--log-level', 'debug']);
    const mute = npcCommand(start.session_id, { action: 'mute', name: 'Elara' });
    peer.send(mute);
    await peer.line((l) => l.message?.type === 'reply' && l.message.request_id === mute.request_id, 'mute reply');

    const player = await speak(PLAYER, 'elara-tell-me-about-the-tower');
    // Heard and written down, but never answered.
    await until('the player line', () => transcriptLines(peer).some((l: Line) => l.text === 'Elara, tell me about the tower.'));
    // The node decided nobody answers, because the NPC spoken to is muted; nothing follows that.
    await node.line((l) => l.msg === 'addressee' && l.reason === 'muted', 'the muted decision');
    expect(audible(player)).toEqual([]);
    expect(chatRequestsFor('Elara')).toEqual([]);

    const unmute = npcCommand(start.session_id, { action: 'unmute', name: 'Elara' });
    peer.send(unmute);
    await peer.line((l) => l.message?.type === 'reply' && l.message.request_id === unmute.request_id, 'unmute reply');
    await speak(PLAYER, 'elara-tell-me-about-the-tower');
    await until('Elara to be heard', () => audible(player).length > 5);
    expect((speechRequests().at(-1)!.body as { voice: string }).voice).toBe('nova');
  });

  it('stops an NPC when a player talks over it (barge-in)', async () => {
    longReplies = true;
    const { peer, speak, client } = await session();
    const player = await speak(PLAYER, 'grimjaw-what-do-you-sell');
    await until('Grimjaw to be talking', () => audible(player).length > 25);

    const other = await client(OTHER_PLAYER);
    await other.streamFrames(fixtureOpusFrames('elara-tell-me-about-the-tower'));
    const finishedTalking = performance.now();
    // Grimjaw fell silent while the other player was still talking (how fast is bench/voice's to measure).
    const stopped = await player.waitForEvent((e) => e.type === 'speaking' && e.npc === 'Grimjaw' && !e.speaking);
    expect(stopped.at).toBeLessThan(finishedTalking);
    // Grimjaw was cut off mid-reply: his transcript line holds only what was said.
    const said = await until('Grimjaw line', () => transcriptLines(peer).find((l: Line) => l.speaker_name === 'Grimjaw'));
    expect(said.text.length).toBeLessThan(reply({ system: 'Grimjaw', messages: [], model: '', maxTokens: 0, tools: [], toolChoice: 'auto', results: [] }).length);
  });

  it("obeys the DM's spoken command, and ignores the same words from a player", async () => {
    const { peer, start, speak } = await session();
    const listNpcs = async () => {
      const list = npcCommand(start.session_id, { action: 'list' });
      peer.send(list);
      return (await peer.line((l) => l.message?.type === 'reply' && l.message.request_id === list.request_id, 'list')).message.data.npcs;
    };
    await speak(PLAYER, 'everyone-stop');
    await until('the player line', () => transcriptLines(peer).some((l: Line) => l.speaker_id === PLAYER));
    expect(await listNpcs()).toEqual([
      { name: 'Grimjaw', muted: false },
      { name: 'Elara', muted: false },
    ]);
    await speak(DM, 'everyone-stop');
    await until('the DM line', () => transcriptLines(peer).some((l: Line) => l.speaker_id === DM));
    expect(await listNpcs()).toEqual([
      { name: 'Grimjaw', muted: true },
      { name: 'Elara', muted: true },
    ]);
  });

  it("speaks the edge's notice (the quota warning) to the table in the GM helper's voice", async () => {
    const { peer, start, client } = await session([], [grimjaw, scribe]);
    const player = await client(PLAYER);
    const message = "About 1 minute(s) of this month's session time are left; the session ends when it runs out.";
    peer.send({ type: 'session_notice', session_id: start.session_id, level: 'warning', message });
    await until('the notice to be heard', () => audible(player).length > 5);
    expect((await player.waitForEvent((e) => e.type === 'speaking' && e.speaking)).value).toMatchObject({ npc: 'Scribe' });
    const spoken = speechRequests().map((r) => r.body as { input: string; voice: string });
    expect(spoken.map((r) => r.input).join(' ')).toBe(message);
    expect(new Set(spoken.map((r) => r.voice))).toEqual(new Set(['alloy']));
    // Said, not asked: no language model turn.
    expect(llm.requests.slice(marks.llm)).toEqual([]);
  });

  it('apologizes when the language model fails, and answers the next question', async () => {
    const { speak } = await session();
    llm.fail({ status: 400, message: 'model overloaded' });
    const player = await speak(PLAYER, 'grimjaw-what-do-you-sell');
    await until('the apology', () => speechRequests().some((r) => String((r.body as { input: string }).input).startsWith('Forgive me')));
    await until('the apology to be heard', () => audible(player).length > 5);
    const heard = audible(player).length;
    await speak(PLAYER, 'grimjaw-what-do-you-sell');
    await until('the answer', () => speechRequests().some((r) => (r.body as { input: string }).input === 'Axes and hammers, friend.'));
    await until('more audio', () => audible(player).length > heard + 5);
  });
});

