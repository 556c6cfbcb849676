import { FRAME_US, isSilenceFrame, OPUS_CONFIG } from './opus-format.ts';

/** How far ahead of the clock packets are scheduled, to ride out network jitter. */
const JITTER_S = 0.06;

/**
 * Plays the node's Opus packets as they arrive: WebCodecs' AudioDecoder makes each
 * one 20 ms of audio, scheduled back to back on the page's AudioContext; after a
 * gap (the NPC stopped), playback restarts a little ahead of now.
 */
export class OpusPlayer {
  /** Milliseconds of NPC speech decoded and played (silence frames not counted). */
  heardMs = 0;
  private readonly context: AudioContext;
  private readonly decoder: AudioDecoder;
  private readonly output: GainNode;
  private nextStart = 0;
  private timestamp = 0;

  constructor(context: AudioContext, onError: (error: Error) => void) {
    this.context = context;
    this.output = context.createGain();
    this.output.connect(context.destination);
    this.decoder = new AudioDecoder({
      output: (data) => this.play(data),
      error: (error) => onError(error instanceof Error ? error : new Error(String(error))),
    });
    this.decoder.configure(OPUS_CONFIG);
  }

  set volume(value: number) {
    this.output.gain.value = value;
  }

  push(packet: Uint8Array): void {
    if (isSilenceFrame(packet) || this.decoder.state !== 'configured') return;
    this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: this.timestamp, data: packet }));
    this.timestamp += FRAME_US;
  }

  private play(data: AudioData): void {
    const buffer = this.context.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
    for (let channel = 0; channel < data.numberOfChannels; channel++) {
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: channel, format: 'f32-planar' });
      buffer.copyToChannel(samples, channel);
    }
    this.heardMs += (data.numberOfFrames / data.sampleRate) * 1000;
    data.close();
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    const now = this.context.currentTime;
    if (this.nextStart < now) this.nextStart = now + JITTER_S;
    source.start(this.nextStart);
    this.nextStart += buffer.duration;
  }

  close(): void {
    if (this.decoder.state !== 'closed') this.decoder.close();
    this.output.disconnect();
  }
}
