import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Prompt,
  type StandIn,
  startDeepgramStandIn,
  startOpenAiStandIn,
  type TranscriptScript,
} from '../../providers/test/stand-ins/index.ts';
import { SILENCE_FRAME } from '../src/audio/opus.ts';
import { connectAudioClient, type AudioClient } from '../src/transport/websocket-audio-client.ts';
import { npc, startSession } from './helpers/messages.ts';
import { until } from './helpers/until.ts';
import { killAll, startNode, startPeer, type Line, type Peer } from './helpers/processes.ts';
import { createSpeechTimeline, sentencePart, spoken, type Spoken } from './helpers/spoken.ts';

/**
 * When an NPC answers, with real speech (espeak-ng) through a real node and a
 * streaming STT (the Deepgram stand-in: interims as the audio comes, the final 150 ms
 * after it ends): a finished question is answered on its partial transcript, before
 * the final is in; a sentence paused in the middle is answered
 * only once it is finished; an early answer to words the final transcript changed is
 * replaced; a stream lost mid-sentence is finished by the batch API with every word.
 */

const PLAYER = '423456789012345678';
const QUESTION = 'Grimjaw, what do you sell?';
const grimjaw = npc('Grimjaw', { voice: { provider: 'openai', voice_id: 'onyx', pitch: 0, speed: 1 } });

/** What the STT stand-in hears: the words said so far, or (`heard`) a test's own take on them. */
const timeline = createSpeechTimeline();
let heard: (text: string, final: boolean) => string = (text) => text;
const transcript: TranscriptScript = (samples, progress) => heard(timeline.streaming(samples, progress), progress.final);
const reply = (prompt: Prompt) => {
  const asked = prompt.messages.at(-1)?.content ?? '';
  return asked.includes('smell') ? 'Smoke and iron, friend.' : 'Axes and hammers, friend.';
};

let stt: StandIn;
let llm: StandIn;
let tts: StandIn;
beforeAll(async () => {
  [stt, llm, tts] = await Promise.all([startDeepgramStandIn({ transcript }), startOpenAiStandIn({ reply, latency: { firstByteMs: 50, chunkMs: 5 } }), startOpenAiStandIn()]);
});
afterAll(async () => {
  await Promise.all([stt.close(), llm.close(), tts.close()]);
});
afterEach(async () => {
  heard = (text) => text;
  await killAll();
});

interface Running {
  peer: Peer;
  player: AudioClient;
  healthPort: number;
  marks: { stt: number; llm: number; tts: number };
}

async function session(): Promise<Running> {
  const peer = await startPeer();
  const node = startNode(peer);
  const hello = await peer.line((l) => l.message?.type === 'hello', 'hello', 20_000);
  const endpoint = (standIn: StandIn, kind = 'openai') => ({ kind, base_url: standIn.url, api_key: 'sk-test', model: 'test-model' });
  const start = startSession({
    npcs: [grimjaw],
    providers: { stt: endpoint(stt, 'deepgram'), llm: endpoint(llm), tts: endpoint(tts) },
    audio: { transport: 'websocket', token: 'browser-token' },
  });
  peer.send(start);
  await peer.line((l) => l.message?.type === 'session_state' && l.message.state === 'active', 'active', 20_000);
  const player = await connectAudioClient({ url: `${hello.message.audio_url}/${start.session_id}`, token: 'browser-token', speakerId: PLAYER, speakerName: 'Ana' });
  return { peer, player, healthPort: await node.healthPort(), marks: { stt: stt.requests.length, llm: llm.requests.length, tts: tts.requests.length } };
}

const audible = (client: AudioClient) => client.frames.filter((f) => f.value.length > SILENCE_FRAME.length);
const question = spoken('grimjaw-what-do-you-sell', QUESTION);

/** The player says the stretches, `pauseMs` apart; resolves when the last frame went out. */
async function say(player: AudioClient, stretches: Spoken[], pauseMs = 0): Promise<void> {
  const said = timeline.say(stretches, pauseMs);
  said.started();
  await player.streamFrames(said.frames);
}
const chats = (running: Running) => llm.requests.slice(running.marks.llm).map((r) => JSON.stringify((r.body as { messages: unknown[] }).messages.at(-1)));
const transcriptLines = (peer: Peer) => peer.messages('transcript').flatMap((m: Line) => m.entries);

async function voiceEvents(healthPort: number, event: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  return Number(new RegExp(`^glyphoxa_node_voice_events_total\\{event="${event}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('turn-taking with a streaming STT', () => {
  // Whether the LLM is asked before the node even sends Finalize depends on the machine's load
  // (128 ms of silence end an utterance); what the node decides, and in what order, does not.
  it('answers a finished question on its partial transcript, before the final transcript is in', async () => {
    const running = await session();
    await say(running.player, [question]);

    await until('Grimjaw to be heard', () => audible(running.player).length > 5);
    // The LLM was asked once, on the partial transcript (prepared early)...
    expect(chats(running)).toEqual([expect.stringContaining(QUESTION)]);
    const turn = await running.peer.line((l) => l.message?.type === 'turn', 'turn timings');
    expect(turn.message).toMatchObject({ npc: 'Grimjaw', prepared_early: true });
    // ...and heard only once the final was in.
    expect(turn.message.timings.stt_final_ms).toBeLessThanOrEqual(turn.message.timings.first_audio_ms);
    expect(await voiceEvents(running.healthPort, 'early_answer_wasted')).toBe(0);
  });

  it('does not answer a sentence paused in the middle until it is finished', async () => {
    const whole = 'Grimjaw I want to buy your finest axe.';
    const running = await session();
    const first = sentencePart('grimjaw-want-to', 1);
    const said = timeline.say([first, sentencePart('grimjaw-want-to', 2)], 900);
    said.started();
    await running.player.streamFrames(said.frames);
    // When the second part's last sound went out (the frames are paced at 20 ms).
    const finishedAt = performance.now() - (said.frames.length - 1 - said.lastFrames[1]!) * 20;

    await until('Grimjaw to be heard', () => audible(running.player).length > 5);
    expect(audible(running.player)[0]!.at).toBeGreaterThan(finishedAt);
    // Nothing was even asked of the LLM on the unfinished words.
    expect(chats(running)).toEqual([expect.stringContaining(whole)]);
    const lines = await until('both lines', () => (transcriptLines(running.peer).length >= 2 ? transcriptLines(running.peer) : undefined));
    expect(lines[0]).toMatchObject({ speaker_id: PLAYER, text: whole });
  });

  it('replaces an early answer when the final transcript changes the words', async () => {
    // The interims misheard the last word; the final has it right.
    heard = (text, final) => (final ? text : text.replace('sell?', 'smell?'));
    const running = await session();
    await say(running.player, [question]);

    const lines = await until('both lines', () => (transcriptLines(running.peer).length >= 2 ? transcriptLines(running.peer) : undefined));
    expect(chats(running)).toEqual([expect.stringContaining('what do you smell?'), expect.stringContaining(QUESTION)]);
    // The table heard only the answer to what was finally said.
    expect(lines).toMatchObject([
      { speaker_id: PLAYER, text: QUESTION },
      { speaker_name: 'Grimjaw', text: 'Axes and hammers, friend.' },
    ]);
    expect(await voiceEvents(running.healthPort, 'early_answer_started')).toBe(1);
    expect(await voiceEvents(running.healthPort, 'early_answer_wasted')).toBe(1);
    // Both calls are billed.
    await until('usage of both calls', () => {
      const tokens = running.peer.messages('usage').reduce((sum: number, m: Line) => sum + m.llm_tokens, 0);
      return tokens > 0 && tokens;
    });
  });

  it('finishes with the batch API, every word kept, when the stream is lost mid-sentence', async () => {
    const finals: number[] = [];
    heard = (text, final) => {
      if (final) finals.push(text.split(' ').length);
      return text;
    };
    const running = await session();
    // The first connection is cut after 10 chunks of audio, mid-sentence.
    stt.fail({ dropAfterChunks: 10 });
    await say(running.player, [question]);

    await until('Grimjaw to be heard', () => audible(running.player).length > 5);
    const calls = stt.requests.slice(running.marks.stt).map((r) => `${r.method} ${r.path}`);
    expect(calls[0]).toBe('GET /v1/listen');
    expect(calls).toContain('POST /v1/listen');
    // Every word reached the LLM: nothing said before the drop was lost.
    expect(chats(running)).toContainEqual(expect.stringContaining(QUESTION));
    expect(finals.length).toBeGreaterThan(0);
  });
});
