import type { Logger } from '@glyphoxa/protocol';
import { SPEECH_SAMPLE_RATE } from '../audio/format.ts';
import { createSpeakerDecoders } from '../audio/speaker-decoders.ts';
import type { VadEngine } from '../audio/vad/load.ts';
import { WINDOW_SAMPLES } from '../audio/vad/windowed-detector.ts';
import type { VadOptions, VoiceActivityDetector } from '../audio/vad/voice-activity-detector.ts';
import type { AudioTransport } from '../transport/audio-transport.ts';

export interface Speaker {
  id: string;
  name: string;
}

/** A finished stretch of one speaker's speech. */
export interface HeardUtterance {
  speaker: Speaker;
  /** 16 kHz mono PCM. */
  samples: Int16Array;
  /** performance.now() when the speech itself ended (as the VAD places it in the stream). */
  endedAt: number;
  /** performance.now() when the VAD decided it had ended (after its end-of-speech silence). */
  detectedAt: number;
}

const WINDOW_MS = (WINDOW_SAMPLES * 1000) / SPEECH_SAMPLE_RATE;

interface Chain {
  detector: VoiceActivityDetector;
  /** Stream time pushed so far, and when the last of it arrived. */
  pushedMs: number;
  lastPushAt: number;
}

export interface ListenerEvents {
  /** Someone started talking: barge-in and utterance merging key off this. `samples`: the speech so far, with context before it. */
  onSpeechStart(speaker: Speaker, samples: Int16Array): void;
  /** The rest of the utterance as it is heard, 16 kHz mono, in order. */
  onSpeechAudio(speaker: Speaker, samples: Int16Array): void;
  /** Their voice stopped for a moment (`endedAt`: when, performance.now()); maybe the end of their turn. */
  onSpeechPause(speaker: Speaker, endedAt: number): void;
  /** ...and came back before the utterance ended. */
  onSpeechResume(speaker: Speaker): void;
  onUtterance(utterance: HeardUtterance): void;
}

/**
 * Every speaker's inbound audio, separately: Opus decoded to 16 kHz mono -> VAD.
 * A speaker's chain (one detector, their events in order) lives from their first
 * packet until a stream's end has been scored with nothing after it; a stream's end
 * (the transport saw no packets for a while, as Discord clients stop sending in
 * silence) closes any open utterance at once.
 */
export function listenToSpeakers(
  transport: AudioTransport,
  vad: VadEngine,
  events: ListenerEvents,
  log: Logger,
  vadOptions: Partial<VadOptions> = {},
): { close(): void; heardThrough(speakerId: string): number } {
  const decoders = createSpeakerDecoders();
  const chains = new Map<string, Chain>();
  let closed = false;

  const chainFor = (speaker: Speaker): Chain => {
    const existing = chains.get(speaker.id);
    if (existing) return existing;
    const chain: Chain = { detector: undefined!, pushedMs: 0, lastPushAt: 0 };
    // Stream time -> wall time: the stream is pushed as it arrives, in real time.
    const wallTime = (streamMs: number) => chain.lastPushAt - Math.max(0, chain.pushedMs - streamMs);
    chain.detector = vad.createDetector(
      {
        onSpeechStart: (start) => events.onSpeechStart(speaker, start.samples),
        onSpeechAudio: (samples) => events.onSpeechAudio(speaker, samples),
        onSpeechPause: (pause) => events.onSpeechPause(speaker, wallTime(pause.endMs)),
        onSpeechResume: () => events.onSpeechResume(speaker),
        onSpeechEnd: (end) => events.onUtterance({ speaker, samples: end.samples, endedAt: wallTime(end.endMs), detectedAt: performance.now() }),
        onError: (error) => log.warn('vad failed on a window', { speaker_id: speaker.id, error: String(error) }),
      },
      vadOptions,
    );
    chains.set(speaker.id, chain);
    return chain;
  };

  transport.onAudio((frame) => {
    if (closed) return;
    const speech = decoders.decode(frame.speakerId, frame.opus);
    if (!speech) return;
    const chain = chainFor({ id: frame.speakerId, name: frame.speakerName ?? frame.speakerId });
    chain.pushedMs += (speech.length * 1000) / SPEECH_SAMPLE_RATE;
    chain.lastPushAt = performance.now();
    chain.detector.push(speech);
  });

  transport.onSpeakerEnd((speakerId) => {
    const chain = chains.get(speakerId);
    decoders.end(speakerId);
    if (!chain) return;
    // The next stream goes into the same detector, after this end: a detector of its own
    // would run beside this one's backlog (its windows still being scored when the VAD
    // lags), and its speech start could reach the pipeline before this utterance's end.
    // A part-window is dropped at the end: stream time goes on from the last whole window.
    chain.pushedMs = Math.floor(chain.pushedMs / WINDOW_MS) * WINDOW_MS;
    const pushed = chain.pushedMs;
    void chain.detector.end().then(() => {
      // Silent since: the speaker's detector is freed until they speak again.
      if (closed || chains.get(speakerId) !== chain || chain.pushedMs !== pushed) return;
      chains.delete(speakerId);
      chain.detector.close();
    });
  });

  return {
    /**
     * Up to when (performance.now()) the VAD has heard this speaker: a silence is only
     * known to have lasted once the windows over it are scored. Now, when nothing waits.
     */
    heardThrough(speakerId) {
      const chain = chains.get(speakerId);
      const now = performance.now();
      if (!chain || chain.detector.scoredMs >= Math.floor(chain.pushedMs / WINDOW_MS) * WINDOW_MS) return now;
      return Math.min(now, chain.lastPushAt - (chain.pushedMs - chain.detector.scoredMs));
    },
    close() {
      closed = true;
      for (const chain of chains.values()) chain.detector.close();
      chains.clear();
      decoders.close();
    },
  };
}
