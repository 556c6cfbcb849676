import type { NodeMessage, Reply, VoicePreview } from '@glyphoxa/protocol';
import type { SessionMessage } from './edge-connection.ts';
import type { Metrics } from './metrics.ts';
import type { SessionRegistry } from './sessions.ts';

export interface DispatchOptions {
  registry: SessionRegistry;
  send: (message: NodeMessage) => void;
  metrics: Metrics;
  /** Speaks a line for the dashboard, outside any session. */
  preview: (request: VoicePreview) => Promise<Reply>;
}

/** Routes each validated message from the edge: session ones to the registry, a voice preview to its speaker. */
export function createDispatcher({ registry, send, metrics, preview }: DispatchOptions) {
  return async (message: SessionMessage): Promise<void> => {
    switch (message.type) {
      case 'start_session':
        return registry.start(message);
      case 'stop_session':
        return registry.stop(message.session_id, message.reason);
      case 'npc_command': {
        const started = performance.now();
        send(await registry.command(message));
        metrics.observeCommandLatency((performance.now() - started) / 1000);
        return;
      }
      case 'session_notice':
        return registry.notify(message);
      case 'npc_roster':
        return registry.replaceRoster(message);
      case 'campaign_facts':
        return registry.replaceFacts(message);
      case 'voice_preview':
        return send(await preview(message));
      default: {
        // A new edge message type must be routed here; this fails to compile until it is.
        const unrouted: never = message;
        return unrouted;
      }
    }
  };
}
