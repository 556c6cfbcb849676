import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from '../src/health-server.ts';
import { createMetrics, type NodeStatus } from '../src/metrics.ts';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const output = { framesSent: 1500, framesLate: 3, maxLateMs: 7.5, underruns: 1 };

async function serve(status: NodeStatus = { connected: true, sessions: 2, output }) {
  const metrics = createMetrics();
  server = await startHealthServer({ port: 0, host: '127.0.0.1', status: () => status, metrics });
  return { metrics, base: `http://127.0.0.1:${server.port}` };
}

describe('health server', () => {
  it('answers /healthz with the connection and session count', async () => {
    const { base } = await serve({ connected: false, sessions: 3, output });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', connected: false, sessions: 3 });
  });

  it('serves Prometheus text metrics', async () => {
    const { base, metrics } = await serve();
    metrics.countMessage('out', 'hello');
    metrics.countMessage('in', 'welcome');
    metrics.countMessage('out', 'heartbeat');
    metrics.countMessage('out', 'heartbeat');
    metrics.countReconnect();
    metrics.observeCommandLatency(0.003);
    metrics.observeCommandLatency(0.2);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('# TYPE glyphoxa_node_sessions gauge\nglyphoxa_node_sessions 2\n');
    expect(text).toContain('glyphoxa_node_connected 1\n');
    expect(text).toContain('glyphoxa_node_reconnects_total 1\n');
    expect(text).toContain('glyphoxa_node_audio_frames_sent_total 1500\n');
    expect(text).toContain('glyphoxa_node_audio_frames_late_total 3\n');
    expect(text).toContain('glyphoxa_node_audio_max_late_ms 7.5\n');
    expect(text).toContain('glyphoxa_node_messages_total{direction="out",type="heartbeat"} 2\n');
    expect(text).toContain('glyphoxa_node_messages_total{direction="in",type="welcome"} 1\n');
    expect(text).toContain('# TYPE glyphoxa_node_request_latency_seconds histogram');
    expect(text).toContain('glyphoxa_node_request_latency_seconds_bucket{le="0.001"} 0\n');
    expect(text).toContain('glyphoxa_node_request_latency_seconds_bucket{le="0.005"} 1\n');
    expect(text).toContain('glyphoxa_node_request_latency_seconds_bucket{le="0.25"} 2\n');
    expect(text).toContain('glyphoxa_node_request_latency_seconds_bucket{le="+Inf"} 2\n');
    expect(text).toContain('glyphoxa_node_request_latency_seconds_count 2\n');
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
