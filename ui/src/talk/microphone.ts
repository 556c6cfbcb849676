import captureWorkletUrl from './capture-worklet.ts?worker&url';
import { CHANNELS, FRAME_SAMPLES, FRAME_US, OPUS_CONFIG, SAMPLE_RATE } from './opus-format.ts';

/**
 * The user's microphone as Opus packets: the capture worklet cuts it into 20 ms frames,
 * WebCodecs' AudioEncoder makes each one packet. Frames go to the encoder only while
 * `sending` is on (push-to-talk held, or the open mic), so a released key is silence
 * on the wire and the node ends the utterance.
 */
export class Microphone {
  sending = false;
  private readonly stream: MediaStream;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly node: AudioWorkletNode;
  private readonly encoder: AudioEncoder;
  private timestamp = 0;

  private constructor(context: AudioContext, stream: MediaStream, node: AudioWorkletNode, onPacket: (packet: Uint8Array) => void, onError: (error: Error) => void) {
    this.stream = stream;
    this.node = node;
    this.source = context.createMediaStreamSource(stream);
    this.encoder = new AudioEncoder({
      output: (chunk) => {
        const packet = new Uint8Array(chunk.byteLength);
        chunk.copyTo(packet);
        onPacket(packet);
      },
      error: (error) => onError(error instanceof Error ? error : new Error(String(error))),
    });
    this.encoder.configure({ ...OPUS_CONFIG, bitrate: 64_000, opus: { frameDuration: FRAME_US, format: 'opus' } } as AudioEncoderConfig);
    node.port.onmessage = (event: MessageEvent<Float32Array>) => this.encode(event.data);
    this.source.connect(node);
  }

  /** Asks for the microphone (the browser prompts the first time) and starts capturing. */
  static async open(context: AudioContext, onPacket: (packet: Uint8Array) => void, onError: (error: Error) => void): Promise<Microphone> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    try {
      await context.audioWorklet.addModule(captureWorkletUrl);
      const node = new AudioWorkletNode(context, 'glyphoxa-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
      return new Microphone(context, stream, node, onPacket, onError);
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw error;
    }
  }

  private encode(mono: Float32Array): void {
    if (!this.sending || this.encoder.state !== 'configured') return;
    // Planar stereo: the one microphone channel in both.
    const planar = new Float32Array(FRAME_SAMPLES * CHANNELS);
    planar.set(mono, 0);
    planar.set(mono, FRAME_SAMPLES);
    const data = new AudioData({ format: 'f32-planar', sampleRate: SAMPLE_RATE, numberOfFrames: FRAME_SAMPLES, numberOfChannels: CHANNELS, timestamp: this.timestamp, data: planar });
    this.timestamp += FRAME_US;
    this.encoder.encode(data);
    data.close();
  }

  /** Lets go of the device (the browser's recording indicator goes off). */
  close(): void {
    this.sending = false;
    this.source.disconnect();
    this.node.port.onmessage = null;
    for (const track of this.stream.getTracks()) track.stop();
    if (this.encoder.state !== 'closed') this.encoder.close();
  }
}
