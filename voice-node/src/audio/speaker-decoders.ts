import { createOpusDecoder, SPEECH_FORMAT, type OpusDecoder } from './opus.ts';

/**
 * One Opus decoder per speaker stream, created on the speaker's first packet and freed
 * when their stream ends, so a session holds decoders only for people talking. They
 * decode to what listening needs, 16 kHz mono (SPEECH_FORMAT), and nothing more.
 */
export interface SpeakerDecoders {
  /** 16 kHz mono PCM, or undefined when the packet was dropped. */
  decode(speakerId: string, packet: Uint8Array): Int16Array | undefined;
  /** The speaker's stream ended: frees their decoder (the next packet starts a fresh one). */
  end(speakerId: string): void;
  /** Packets dropped across every speaker, ended ones included. */
  readonly dropped: number;
  close(): void;
}

export function createSpeakerDecoders(): SpeakerDecoders {
  const decoders = new Map<string, OpusDecoder>();
  let droppedByEnded = 0;

  const end = (speakerId: string) => {
    const decoder = decoders.get(speakerId);
    if (!decoder) return;
    droppedByEnded += decoder.dropped;
    decoder.close();
    decoders.delete(speakerId);
  };

  return {
    decode(speakerId, packet) {
      let decoder = decoders.get(speakerId);
      if (!decoder) {
        decoder = createOpusDecoder(SPEECH_FORMAT);
        decoders.set(speakerId, decoder);
      }
      return decoder.decode(packet);
    },
    end,
    get dropped() {
      let total = droppedByEnded;
      for (const decoder of decoders.values()) total += decoder.dropped;
      return total;
    },
    close() {
      for (const speakerId of [...decoders.keys()]) end(speakerId);
    },
  };
}
