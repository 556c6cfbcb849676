/**
 * Runs on the audio thread: gathers the microphone's 128-sample render quanta into
 * 20 ms frames (960 samples at 48 kHz) and posts each to the page, mono as it came.
 * Kept free of imports: an AudioWorklet module loads on its own.
 */

declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => object): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const FRAME = 960;

class CaptureProcessor extends AudioWorkletProcessor {
  private frame = new Float32Array(FRAME);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    let read = 0;
    while (read < channel.length) {
      const n = Math.min(channel.length - read, FRAME - this.filled);
      this.frame.set(channel.subarray(read, read + n), this.filled);
      this.filled += n;
      read += n;
      if (this.filled === FRAME) {
        this.port.postMessage(this.frame, [this.frame.buffer]);
        this.frame = new Float32Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

if (sampleRate !== 48_000) throw new Error(`capture needs a 48 kHz context, got ${sampleRate}`);
registerProcessor('glyphoxa-capture', CaptureProcessor);
