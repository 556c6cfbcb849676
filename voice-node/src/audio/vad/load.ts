import type { Logger } from '@glyphoxa/protocol';
import { createEnergyDetector } from './energy.ts';
import { loadSileroModel } from './silero.ts';
import type { CreateVoiceActivityDetector } from './voice-activity-detector.ts';

/** The node's VAD: Silero when it loads, the energy detector otherwise. Load once per node. */
export interface VadEngine {
  readonly kind: 'silero' | 'energy';
  createDetector: CreateVoiceActivityDetector;
  close(): Promise<void>;
}

export async function loadVadEngine(log: Logger, options: { modelPath?: string } = {}): Promise<VadEngine> {
  try {
    const model = await loadSileroModel(options.modelPath);
    return { kind: 'silero', createDetector: model.createDetector, close: model.close };
  } catch (error) {
    log.warn('Silero VAD unavailable; using the energy detector', { error: String(error) });
    return { kind: 'energy', createDetector: createEnergyDetector, close: async () => {} };
  }
}
