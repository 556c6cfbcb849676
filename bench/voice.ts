/**
 * The voice pipeline, measured end to end: a real Bun voice node behind a stand-in
 * edge, browser-audio sessions fed real speech (espeak-ng fixtures) as paced Opus
 * frames, and vendor stand-ins at the issue's latencies: STT streaming (Deepgram live,
 * interims every 100 ms, the final 150 ms after the audio ends) or batch (250 ms), LLM
 * first token 300 ms then 10 ms a token, TTS first byte 150 ms. Every latency is from the
 * last sound of speech (the client sending the last 20 ms frame that holds speech) to the
 * first NPC audio frame the client receives.
 *
 * - first NPC audio, streaming and batch STT, one session, turn after turn;
 * - false cut-offs beside latency: sentences with a 300-900 ms pause in the middle
 *   (voice-node/test/fixtures/audio/pauses), NPC audio heard before the sentence ended;
 * - answers started early (on a partial transcript) and how many were wasted;
 * - first-sentence TTS requests that had to open a connection;
 * - barge-in: from the first frame of a second player's speech to the last NPC frame;
 * - 20 sessions x 5 players talking on one node: 20 ms output frames sent > 5 ms late.
 */
import { startDeepgramStandIn, startOpenAiStandIn, type StandIn } from '../providers/test/stand-ins/index.ts';
import { createFrameClock } from '../voice-node/src/audio/frame-clock.ts';
import { SILENCE_FRAME } from '../voice-node/src/audio/opus.ts';
import { connectAudioClient, type AudioClient } from '../voice-node/src/transport/websocket-audio-client.ts';
import { npc, startSession } from '../voice-node/test/helpers/messages.ts';
import { killAll, startNode, startPeer, type Peer } from '../voice-node/test/helpers/processes.ts';
import { PAUSED_SENTENCES, sentencePart, spoken, type Spoken } from '../voice-node/test/helpers/spoken.ts';
import { audible, LATENCY, QUESTION, quiet, REPLY, sleep, speakAndListen, timeline, turns } from './lib/spoken-turns.ts';
import { ms, percentile, type Row } from './lib/stats.ts';

const LONG_REPLY = Array.from({ length: 20 }, (_, i) => `This is sentence ${i + 1} of a very long story about the forge.`).join(' ');
const PAUSES_MS = [300, 500, 700, 900];

const TURNS = 30;
const BARGE_INS = 10;
const CONCURRENT_SESSIONS = 20;
const PLAYERS_PER_SESSION = 5;
const LOAD_SECONDS = 30;


/** `loadOnly`: just the many-sessions load (about a minute), to iterate on the node's output timing. */
export async function voiceBenchmarks(options: { loadOnly?: boolean } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  const record = (row: Row) => {
    rows.push(row);
    console.log(`  ${row.benchmark}: ${row.result}`);
  };
  let long = false;
  const streamingStt = await startDeepgramStandIn({ transcript: timeline.streaming, streaming: { finalMs: LATENCY.sttFinal, interimEveryMs: 100 } });
  const batchStt = await startOpenAiStandIn({ transcript: timeline.batch, latency: { firstByteMs: LATENCY.sttBatch, chunkMs: 0 } });
  const llm = await startOpenAiStandIn({
    reply: () => (long ? LONG_REPLY : REPLY),
    latency: { firstByteMs: LATENCY.llmFirstToken, chunkMs: LATENCY.llmPerToken },
  });
  const tts = await startOpenAiStandIn({ latency: { firstByteMs: LATENCY.ttsFirstByte, chunkMs: 2 } });
  // A hundred players at once: every one of them asks the question, whatever the stretch.
  const loadStt = await startDeepgramStandIn({ transcript: () => QUESTION.text, streaming: { finalMs: LATENCY.sttFinal, interimEveryMs: 100 } });
  try {
    const peer = await startPeer();
    // BENCH_CPU_PROF=<dir>: the node writes a CPU profile there (Bun's, plus a markdown summary) when it exits.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // As the service runs it (deploy/glyphoxa-voice-node.service.in): the node on SCHED_RR. BENCH_REALTIME=0: the fair scheduler.
    const realtime = process.env.BENCH_REALTIME === '0' ? '0' : '10';
    const node = startNode(peer, ['--capacity', String(CONCURRENT_SESSIONS + 4), '--log-level', 'warn', '--realtime-priority', realtime], profile);
    const hello = await peer.line((l) => l.message?.type === 'hello', 'hello', 20_000);
    const healthPort = Number(new URL(hello.message.audio_url).port);
    const open = (id: number, stt: { standIn: StandIn; kind: string }, players = 1) => openSession(peer, hello.message.audio_url, id, { stt, llm, tts }, players);
    const question = spoken(QUESTION.fixture, QUESTION.text);
    const streaming = { standIn: streamingStt, kind: 'deepgram' };

    if (!options.loadOnly) {
    console.log('voice: first NPC audio, streaming STT');
    const before = await voiceEvents(healthPort);
    const ttsMark = tts.requests.length;
    const { players: [single], url, token } = await open(0, streaming);
    const streamed = await turns(single!, question, TURNS);
    const stages = peer.messages('turn').map((m) => m.timings);
    const early = delta(before, await voiceEvents(healthPort));
    record({
      benchmark: `first NPC audio p50 / p95, streaming STT (final ${LATENCY.sttFinal} ms after the audio), from the last sound`,
      result: `${ms(percentile(streamed, 50))} / ${ms(percentile(streamed, 95))}`,
      target: '<= 600 / 700 ms',
      met: percentile(streamed, 50) <= 600 && percentile(streamed, 95) <= 700,
    });
    record({
      benchmark: "node's stage timings p50, from the last sound as the VAD places it: STT final / LLM first token / TTS first byte / first audio",
      result: ['stt_final_ms', 'llm_first_token_ms', 'tts_first_byte_ms', 'first_audio_ms'].map((k) => ms(percentile(stages.map((t) => t[k]), 50))).join(' / '),
      target: '-',
      met: null,
    });
    const firstSentences = tts.requests.slice(ttsMark).filter((r) => (r.body as { input?: string }).input === 'Aye, traveler.');
    record({
      benchmark: 'first-sentence TTS requests on a connection opened for them (after the first turn)',
      result: `${firstSentences.slice(1).filter((r) => r.connectionAgeMs < 50).length} of ${firstSentences.length - 1}`,
      target: '0',
      met: firstSentences.slice(1).every((r) => r.connectionAgeMs >= 50),
    });
    record({
      benchmark: 'answers started early on a partial transcript / wasted',
      result: `${early.early_answer_started} / ${early.early_answer_wasted} (of ${TURNS} turns)`,
      target: 'reported',
      met: null,
    });

    console.log('voice: false cut-offs, sentences with a pause in the middle');
    const cutoffs = await falseCutoffs(single!);
    record({
      benchmark: `false cut-offs (NPC audio before the sentence ended), ${cutoffs.trials} sentences with ${PAUSES_MS.join('/')} ms pauses, streaming STT`,
      result: `${((100 * cutoffs.cut.length) / cutoffs.trials).toFixed(1)} % (${cutoffs.cut.length} of ${cutoffs.trials}${cutoffs.cut.length ? `: ${cutoffs.cut.join(', ')}` : ''})`,
      target: '<= 5 %',
      met: cutoffs.cut.length / cutoffs.trials <= 0.05,
    });
    record({
      benchmark: '... beside it: first NPC audio after those sentences ended, p50 / p95',
      result: `${ms(percentile(cutoffs.latencies, 50))} / ${ms(percentile(cutoffs.latencies, 95))} (slowest: ${cutoffs.slowest.join(', ')})`,
      target: '-',
      met: null,
    });
    const afterCutoffs = delta(before, await voiceEvents(healthPort));
    record({
      benchmark: 'answers started early / wasted, over both runs above',
      result: `${afterCutoffs.early_answer_started} / ${afterCutoffs.early_answer_wasted}`,
      target: 'reported',
      met: null,
    });

    console.log('voice: barge-in');
    const cuts: number[] = [];
    const other = await connectAudioClient({ url, token, speakerId: '623456789012345678', speakerName: 'Other' });
    for (let i = 0; i < BARGE_INS; i++) {
      long = true;
      cuts.push(await bargeIn(single!, other, question, (value) => (long = value)));
    }
    record({ benchmark: 'barge-in: NPC audio stops after a player starts talking, p50 / p95', result: `${ms(percentile(cuts, 50))} / ${ms(percentile(cuts, 95))}`, target: 'p95 < 250 ms', met: percentile(cuts, 95) < 250 });
    await other.close();
    await single!.close();

    console.log('voice: first NPC audio, batch STT');
    const batch = await open(1, { standIn: batchStt, kind: 'openai' });
    const batched = await turns(batch.players[0]!, question, TURNS);
    record({
      benchmark: `first NPC audio p50 / p95, batch STT (${LATENCY.sttBatch} ms), from the last sound`,
      result: `${ms(percentile(batched, 50))} / ${ms(percentile(batched, 95))}`,
      target: 'p50 <= 850 ms',
      met: percentile(batched, 50) <= 850,
    });
    await batch.players[0]!.close();
    }

    console.log(`voice: ${CONCURRENT_SESSIONS} sessions x ${PLAYERS_PER_SESSION} players talking for ${LOAD_SECONDS} s`);
    const refused = node.lines.find((l) => l.msg === 'real-time scheduling refused; audio frames may go out late on a busy machine');
    const scheduling = realtime === '0' ? 'fair scheduler' : refused ? `SCHED_RR refused (${refused.reason})` : `node on SCHED_RR ${realtime}`;
    const framesBefore = await outputFrames(healthPort);
    const sessions = await Promise.all(Array.from({ length: CONCURRENT_SESSIONS }, (_, i) => open(i + 2, { standIn: loadStt, kind: 'deepgram' }, PLAYERS_PER_SESSION)));
    const until = performance.now() + LOAD_SECONDS * 1000;
    const answers: number[] = [];
    await Promise.all(
      sessions.map(async ({ players }, s) => {
        // Staggered, as tables are; at each table the players take turns, each waiting for the NPC's answer.
        await sleep((s * 137) % 3000);
        for (let turn = 0; performance.now() < until; turn++) {
          const player = players[turn % players.length]!;
          const { lastSounds, firstAudio } = await speakAndListen(player, [question], 0, false);
          if (firstAudio !== undefined) answers.push(firstAudio - lastSounds[0]!);
          await quiet(player, 200);
        }
      }),
    );
    const framesAfter = await outputFrames(healthPort);
    const sent = framesAfter.sent - framesBefore.sent;
    const late = framesAfter.late - framesBefore.late;
    const share = (100 * late) / Math.max(1, sent);
    record({
      benchmark: `${CONCURRENT_SESSIONS} sessions x ${PLAYERS_PER_SESSION} speaking players: output frames late (> 5 ms), ${scheduling}`,
      result: `${share.toFixed(3)} % (${late} of ${sent}; worst ${framesAfter.maxLate.toFixed(1)} ms)`,
      target: '< 0.5 %',
      met: share < 0.5,
    });
    record({
      benchmark: `... first NPC audio under that load, p50 / p95 (${answers.length} turns)`,
      result: `${ms(percentile(answers, 50))} / ${ms(percentile(answers, 95))}`,
      target: '-',
      met: null,
    });
    await Promise.all(sessions.flatMap((s) => s.players.map((p) => p.close())));
    node.kill('SIGTERM');
    await node.exited;
  } finally {
    await killAll();
    await Promise.all([streamingStt.close(), batchStt.close(), loadStt.close(), llm.close(), tts.close()]);
  }
  return rows;
}

const endpoint = (standIn: StandIn, kind = 'openai') => ({ kind, base_url: standIn.url, api_key: 'sk-bench', model: 'bench' });

async function openSession(peer: Peer, audioUrl: string, id: number, providers: { stt: { standIn: StandIn; kind: string }; llm: StandIn; tts: StandIn }, players: number) {
  const token = `bench-token-${id}`;
  const start = startSession({
    guild_id: String(100000000000000000n + BigInt(id)),
    npcs: [npc('Grimjaw', { voice: { provider: 'openai', voice_id: 'onyx', pitch: 0, speed: 1 } }), npc('Elara', { voice: { provider: 'openai', voice_id: 'nova', pitch: 0, speed: 1 } })],
    providers: { stt: endpoint(providers.stt.standIn, providers.stt.kind), llm: endpoint(providers.llm), tts: endpoint(providers.tts) },
    audio: { transport: 'websocket', token },
  });
  peer.send(start);
  await peer.line((l) => l.message?.type === 'session_state' && l.message.session_id === start.session_id, `session ${id} active`, 20_000);
  const url = `${audioUrl}/${start.session_id}`;
  const clients = await Promise.all(
    Array.from({ length: players }, (_, p) => connectAudioClient({ url, token, speakerId: String(423456789012345678n + BigInt(p)), speakerName: `Player ${p + 1}` })),
  );
  return { url, token, players: clients };
}



/** Each paused sentence at each pause: is NPC audio heard before its end, and how soon after it? */
async function falseCutoffs(player: AudioClient): Promise<{ trials: number; cut: string[]; latencies: number[]; slowest: string[] }> {
  const cut: string[] = [];
  const latencies: number[] = [];
  const named: Array<[number, string]> = [];
  let trials = 0;
  for (const pauseMs of PAUSES_MS) {
    for (const { name } of PAUSED_SENTENCES) {
      const { lastSounds, firstAudio } = await speakAndListen(player, [sentencePart(name, 1), sentencePart(name, 2)], pauseMs);
      trials += 1;
      if (firstAudio !== undefined && firstAudio < lastSounds[1]!) cut.push(`${name} @${pauseMs}`);
      const answer = audible(player).find((f) => f.at > lastSounds[1]!);
      if (answer) {
        latencies.push(answer.at - lastSounds[1]!);
        named.push([answer.at - lastSounds[1]!, `${name} @${pauseMs}`]);
      }
      await quiet(player, 400);
    }
  }
  const slowest = named.sort((a, b) => b[0] - a[0]).slice(0, 3).map(([latency, trial]) => `${trial} ${latency.toFixed(0)} ms`);
  return { trials, cut, latencies, slowest };
}


/** Sends frames paced at 20 ms; `onStart` as the first goes out. */
function paced(player: AudioClient, frames: Uint8Array[], onStart?: () => void): Promise<void> {
  return new Promise((resolve) => {
    const clock = createFrameClock((tick) => {
      if (tick.index === 0) onStart?.();
      player.sendFrame(frames[tick.index] ?? SILENCE_FRAME);
      if (tick.index >= frames.length - 1) {
        clock.stop();
        resolve();
      }
    });
    clock.start();
  });
}

/** While the NPC tells its long story, another player talks: how long until the story stops. */
async function bargeIn(player: AudioClient, other: AudioClient, question: Spoken, setLong: (long: boolean) => void): Promise<number> {
  const heardBefore = audible(player).length;
  await paced(player, question.frames, timeline.say([question]).started);
  const started = performance.now();
  while (audible(player).length < heardBefore + 25) {
    if (performance.now() - started > 15_000) throw new Error('the NPC never started its story');
    await sleep(10);
  }
  // The interruption gets a short answer, so the next trial need not wait out a story.
  setLong(false);
  let onsetAt = 0;
  const said = timeline.say([question]);
  await new Promise<void>((resolve) => {
    const clock = createFrameClock((tick) => {
      if (tick.index === 0) said.started();
      other.sendFrame(question.frames[tick.index]!);
      if (tick.index === question.first) onsetAt = performance.now();
      if (tick.index === question.frames.length - 1) {
        clock.stop();
        resolve();
      }
    });
    clock.start();
  });
  await quiet(player);
  const lastStory = audible(player).filter((f) => f.at < onsetAt + 2000).at(-1)!;
  // The other player's question gets its own answer: let it finish before the next trial.
  await quiet(player, 1500);
  return lastStory.at - onsetAt;
}


async function metricsText(healthPort: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
}

async function outputFrames(healthPort: number): Promise<{ sent: number; late: number; maxLate: number }> {
  const text = await metricsText(healthPort);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    sent: value('glyphoxa_node_audio_frames_sent_total'),
    late: value('glyphoxa_node_audio_frames_late_total'),
    maxLate: value('glyphoxa_node_audio_max_late_ms'),
  };
}

const EVENTS = ['early_answer_started', 'early_answer_wasted'] as const;
type Events = Record<(typeof EVENTS)[number], number>;

async function voiceEvents(healthPort: number): Promise<Events> {
  const text = await metricsText(healthPort);
  const value = (event: string) => Number(new RegExp(`^glyphoxa_node_voice_events_total\\{event="${event}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return Object.fromEntries(EVENTS.map((event) => [event, value(event)])) as Events;
}

const delta = (before: Events, after: Events): Events => Object.fromEntries(EVENTS.map((e) => [e, after[e] - before[e]])) as Events;

