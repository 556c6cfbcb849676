import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { useFairScheduling } from '../../realtime.ts';
import { newStreamState, openSileroSession, scoreBatch, type BatchItem } from './silero-batch.ts';

/**
 * The node's Silero VAD, on a thread of its own: inference is synchronous native work
 * (0.3-2 ms a run), and on the event loop it delayed the 20 ms output frames behind it.
 * Requests are served in arrival order; consecutive windows of distinct streams that
 * arrived while a run was busy go into the next run together (scoreBatch), so the more
 * speakers talk at once, the less each window costs. A run's results go back in one message.
 */

/** Main thread -> worker. `stream` numbers one detector's stream of windows. */
export type SileroRequest =
  | { type: 'score'; id: number; stream: number; window: Float32Array }
  /** A new stream begins on this detector, or the detector is gone: forget its state. */
  | { type: 'forget'; stream: number };

export type SileroResult = { id: number; probability: number } | { id: number; error: string };

/** Worker -> main thread. */
export type SileroReply = { type: 'ready' } | { type: 'failed'; error: string } | { type: 'scored'; results: SileroResult[] };

export interface SileroWorkerData {
  modelPath: string;
}

type ScoreRequest = Extract<SileroRequest, { type: 'score' }>;

const port = parentPort!;
const post = (reply: SileroReply) => port.postMessage(reply);
const queue: SileroRequest[] = [];
const states = new Map<number, Float32Array>();
let draining = false;

try {
  // Started by the event loop's thread, it may have inherited real-time scheduling; inference must not compete with the audio clock.
  await useFairScheduling();
  const { ort, session } = await openSileroSession((workerData as SileroWorkerData).modelPath);

  // Runs until nothing is waiting.
  const drain = async () => {
    draining = true;
    for (;;) {
      // What arrived during the last run is already waiting: take it now, so it runs together.
      for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) queue.push(next.message as SileroRequest);
      if (queue.length === 0) break;
      const batch = takeBatch();
      if (batch.length === 0) continue;
      const items: BatchItem[] = batch.map(({ stream, window }) => ({ window, state: stateOf(stream) }));
      try {
        const probabilities = await scoreBatch(ort, session, items);
        post({ type: 'scored', results: batch.map(({ id }, i) => ({ id, probability: probabilities[i]! })) });
      } catch (error) {
        post({ type: 'scored', results: batch.map(({ id }) => ({ id, error: String(error) })) });
      }
    }
    draining = false;
  };

  port.on('message', (request: SileroRequest) => {
    queue.push(request);
    if (!draining) void drain();
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', error: String(error) });
}

/** The queue's leading score requests, one per stream; a stream's second window, or a forget, waits: each stream stays in order. */
function takeBatch(): ScoreRequest[] {
  const batch: ScoreRequest[] = [];
  const streams = new Set<number>();
  while (queue.length > 0) {
    const next = queue[0]!;
    if (next.type === 'forget') {
      if (batch.length > 0) break;
      states.delete(next.stream);
    } else {
      if (streams.has(next.stream)) break;
      streams.add(next.stream);
      batch.push(next);
    }
    queue.shift();
  }
  return batch;
}

function stateOf(stream: number): Float32Array {
  let state = states.get(stream);
  if (!state) {
    state = newStreamState();
    states.set(stream, state);
  }
  return state;
}
