import { createFrameClock } from '../../voice-node/src/audio/frame-clock.ts';
import { SILENCE_FRAME } from '../../voice-node/src/audio/opus.ts';
import type { AudioClient } from '../../voice-node/src/transport/websocket-audio-client.ts';
import { createSpeechTimeline, type Spoken } from '../../voice-node/test/helpers/spoken.ts';

/**
 * A player speaking fixtures to a voice node and listening for the NPC, as the voice benches
 * time it: from the last sound of speech (the client sending the last 20 ms frame that holds
 * speech) to the first NPC audio frame the client receives. STT stand-ins read what was said
 * from `timeline`, shared with them in this process.
 */

/** The vendor stand-ins' latencies the benches run at, ms. */
export const LATENCY = { sttBatch: 250, sttFinal: 150, llmFirstToken: 300, llmPerToken: 10, ttsFirstByte: 150 };
/** Grimjaw's answer; its first sentence is what the voice starts with. */
export const REPLY = 'Aye, traveler. Axes, hammers and the odd horseshoe, all forged right here in the valley.';
export const QUESTION = { fixture: 'grimjaw-what-do-you-sell', text: 'Grimjaw, what do you sell?' };

export const timeline = createSpeechTimeline();

export const audible = (client: AudioClient) => client.frames.filter((f) => f.value.length > SILENCE_FRAME.length);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One question after another; returns first NPC audio after each, from its last sound. */
export async function turns(player: AudioClient, question: Spoken, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const { lastSounds, firstAudio } = await speakAndListen(player, [question]);
    if (firstAudio === undefined) throw new Error('no answer within 5 s of the question');
    latencies.push(firstAudio - lastSounds[0]!);
    await quiet(player);
  }
  return latencies;
}

/**
 * Speaks the stretches with `pauseMs` of silence between them, then keeps the
 * microphone open (silence frames, as a browser sends them) until the NPC is heard.
 * Returns when each stretch's speech ended and when NPC audio was first heard.
 */
export async function speakAndListen(player: AudioClient, stretches: Spoken[], pauseMs = 0, scripted = true): Promise<{ lastSounds: number[]; firstAudio?: number }> {
  const heardBefore = audible(player).length;
  const { frames, lastFrames, started } = timeline.say(stretches, pauseMs);
  const lastSounds: number[] = [];
  const spokenUntil = lastFrames.at(-1)!;
  return new Promise((resolve) => {
    const clock = createFrameClock((tick) => {
      if (tick.index === 0 && scripted) started();
      player.sendFrame(frames[tick.index] ?? SILENCE_FRAME);
      if (lastFrames.includes(tick.index)) lastSounds.push(performance.now());
      const heard = audible(player)[heardBefore];
      if (tick.index > spokenUntil && heard) {
        clock.stop();
        resolve({ lastSounds, firstAudio: heard.at });
      } else if (tick.index > spokenUntil + 250) {
        clock.stop();
        resolve({ lastSounds });
      }
    });
    clock.start();
  });
}

/** Waits until no audio frame has arrived for `forMs`. */
export async function quiet(client: AudioClient, forMs = 300): Promise<void> {
  for (;;) {
    const last = client.frames.at(-1)?.at ?? 0;
    if (performance.now() - last >= forMs) return;
    await sleep(50);
  }
}
