/** The node's Prometheus metrics, rendered in the text exposition format. */

import type { MixerStats } from './audio/mixer.ts';

/** What the gauges report, read at scrape time so they can never go stale. */
export interface NodeStatus {
  connected: boolean;
  sessions: number;
  /** Outbound audio frames across every session since the node started. */
  output: MixerStats;
}

export type Direction = 'in' | 'out';

/** Upper bounds, in seconds, of the NPC command latency histogram. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export function createMetrics() {
  const messages = new Map<string, { direction: Direction; type: string; count: number }>();
  const latencyBuckets = LATENCY_BUCKETS.map(() => 0);
  let latencySum = 0;
  let latencyCount = 0;
  let reconnects = 0;
  /** Voice events by name (turn-taking, Discord receive); names come from code, so labels stay bounded. */
  const voiceEvents = new Map<string, number>();

  return {
    /** `type` must come from a validated message (or be `invalid`), keeping label values bounded. */
    countMessage(direction: Direction, type: string) {
      const key = `${direction}:${type}`;
      const entry = messages.get(key) ?? { direction, type, count: 0 };
      entry.count += 1;
      messages.set(key, entry);
    },

    countReconnect() {
      reconnects += 1;
    },

    countVoiceEvent(event: string) {
      voiceEvents.set(event, (voiceEvents.get(event) ?? 0) + 1);
    },

    observeCommandLatency(seconds: number) {
      LATENCY_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) latencyBuckets[i] = (latencyBuckets[i] ?? 0) + 1;
      });
      latencySum += seconds;
      latencyCount += 1;
    },

    render(status: NodeStatus): string {
      const lines = [
        ...metric('glyphoxa_node_sessions', 'gauge', 'Sessions running on this node.', [['', status.sessions]]),
        ...metric('glyphoxa_node_connected', 'gauge', '1 while the edge connection is up and welcomed.', [
          ['', status.connected ? 1 : 0],
        ]),
        ...metric('glyphoxa_node_reconnects_total', 'counter', 'Reconnection attempts to the edge.', [['', reconnects]]),
        ...metric(
          'glyphoxa_node_messages_total',
          'counter',
          'Protocol messages exchanged with the edge.',
          [...messages.values()].map(({ direction, type, count }) => [
            `{direction="${direction}",type="${escapeLabel(type)}"}`,
            count,
          ]),
        ),
        ...metric('glyphoxa_node_audio_frames_sent_total', 'counter', 'Outbound 20 ms audio frames sent.', [['', status.output.framesSent]]),
        ...metric('glyphoxa_node_audio_frames_late_total', 'counter', 'Outbound audio frames sent more than 5 ms behind schedule.', [
          ['', status.output.framesLate],
        ]),
        ...metric('glyphoxa_node_audio_underruns_total', 'counter', 'Frames where speech being played had no audio ready.', [
          ['', status.output.underruns],
        ]),
        ...metric('glyphoxa_node_audio_max_late_ms', 'gauge', 'Largest lateness of an outbound frame, in ms.', [['', status.output.maxLateMs]]),
        ...metric(
          'glyphoxa_node_voice_events_total',
          'counter',
          'Voice pipeline events: answers started early and wasted, Discord receive drops and recoveries.',
          [...voiceEvents].map(([event, count]) => [`{event="${escapeLabel(event)}"}`, count]),
        ),
        ...metric('glyphoxa_node_request_latency_seconds', 'histogram', 'Time to handle an npc_command.', [
          ...LATENCY_BUCKETS.map((bound, i): Sample => [`_bucket{le="${bound}"}`, latencyBuckets[i] ?? 0]),
          ['_bucket{le="+Inf"}', latencyCount],
          ['_sum', latencySum],
          ['_count', latencyCount],
        ]),
      ];
      return `${lines.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A sample: what follows the metric name (suffix and labels), and its value. */
type Sample = [string, number];

function metric(name: string, type: string, help: string, samples: Sample[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([rest, value]) => `${name}${rest} ${value}`)];
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
