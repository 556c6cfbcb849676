import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@glyphoxa/protocol';
import { startSession } from './helpers/messages.ts';
import { NODE_VERSION } from '../src/version.ts';
import { killAll, runNode, startNode, startPeer, TOKEN } from './helpers/processes.ts';

afterEach(killAll);

describe('the voice node process and its edge link', () => {
  it('checks in with its bearer token in the header, says hello, then heartbeats', async () => {
    const peer = await startPeer();
    startNode(peer, ['--capacity', '3', '--region', 'eu-test']);

    const upgrade = await peer.line((l) => l.event === 'upgrade', 'the upgrade request');
    expect(upgrade).toMatchObject({ path: '/nodes/connect', query: '', authorization: `Bearer ${TOKEN}` });
    const hello = await peer.line((l) => l.message?.type === 'hello', 'hello');
    expect(hello.message).toEqual({
      type: 'hello',
      node_id: 'node-test',
      version: expect.any(String),
      protocol: PROTOCOL_VERSION,
      capacity: 3,
      region: 'eu-test',
      // The audio endpoint shares the loopback health server unless AUDIO_URL says otherwise.
      audio_url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/audio$/),
    });
    // The peer's welcome asks for a heartbeat every 200 ms.
    await peer.waitFor((lines) => (peer.messages('heartbeat').length >= 3 ? lines : undefined), 'three heartbeats', 3000);
    expect(peer.messages('heartbeat')[0]).toEqual({ type: 'heartbeat', sessions: [] });
    expect(peer.lines.filter((l) => l.event === 'invalid')).toEqual([]);
  });

  it('puts its threads on SCHED_RR at --realtime-priority, all but the VAD worker, or says why it could not', async () => {
    const peer = await startPeer();
    const node = startNode(peer, ['--realtime-priority', '5']);
    const started = await node.line((l) => l.msg === 'voice node started', 'the startup line');
    if (started.realtime_priority === 0) {
      // Not allowed here (no CAP_SYS_NICE, no RLIMIT_RTPRIO): a warning, and the node runs on.
      expect(node.lines.find((l) => l.msg?.startsWith('real-time scheduling refused'))).toMatchObject({ level: 'warn', reason: expect.any(String) });
      return;
    }
    expect(started).toMatchObject({ realtime_priority: 5, vad: 'silero' });
    // /proc/<pid>/task/<tid>/stat, after "(comm) ": field 40 is rt_priority, 41 the policy.
    const threads = readdirSync(`/proc/${node.pid}/task`).map((tid) => {
      const fields = readFileSync(`/proc/${node.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return { tid: Number(tid), name: readFileSync(`/proc/${node.pid}/task/${tid}/comm`, 'utf8').trim(), priority: Number(fields[37]), policy: Number(fields[38]) };
    });
    const roundRobin = threads.filter((t) => t.policy === 2);
    expect(roundRobin.find((t) => t.tid === node.pid)).toMatchObject({ priority: 5 });
    expect(roundRobin.every((t) => t.priority === 5)).toBe(true);
    // The Silero worker (Bun names worker threads "Worker") went back to the fair scheduler.
    expect(threads.filter((t) => t.name === 'Worker').length).toBeGreaterThan(0);
    expect(threads.filter((t) => t.name === 'Worker').every((t) => t.policy === 0)).toBe(true);
    expect(roundRobin.length).toBeGreaterThan(threads.length / 2);
  });

  it('keeps retrying with backoff when the edge refuses its token', async () => {
    const peer = await startPeer({ refuse: true });
    const node = startNode(peer);

    await peer.waitFor((lines) => (lines.filter((l) => l.event === 'refused').length >= 3 ? true : undefined), 'three refused attempts', 8000);
    const refusal = await node.line((l) => l.msg?.startsWith('node token refused'), 'the refusal log line');
    expect(refusal).toMatchObject({ level: 'error', status: 401, retry_in_ms: expect.any(Number) });
    expect(JSON.stringify(node.lines)).not.toContain(TOKEN);
  });

  it('reconnects when the edge comes back on the same port, still listing its sessions', async () => {
    const first = await startPeer();
    const node = startNode(first);
    await first.line((l) => l.message?.type === 'hello', 'hello');
    const start = startSession();
    first.send(start);
    await first.line((l) => l.message?.type === 'session_state', 'session_state active');

    first.kill('SIGKILL');
    await first.exited;
    await node.line((l) => l.msg === 'edge connection closed', 'the node to notice the lost edge');

    const second = await startPeer({ port: first.port });
    await second.line((l) => l.message?.type === 'hello', 'hello on the restarted edge', 10_000);
    const heartbeat = await second.line((l) => l.message?.type === 'heartbeat', 'a heartbeat after reconnecting');
    expect(heartbeat.message.sessions).toEqual([start.session_id]);

    const port = await node.healthPort();
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(Number(metrics.match(/^glyphoxa_node_reconnects_total (\d+)$/m)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('exits with code 2 and names the flag when its configuration is bad', async () => {
    const node = runNode(['--edge-url', 'http://127.0.0.1:1', '--token', 't', '--capacity', 'many']);
    expect(await node.exited).toBe(2);
    expect(node.stderr()).toContain('--capacity (NODE_CAPACITY) must be a whole number');
    expect(node.stderr()).toContain("Run 'voice-node --help' for every setting.");
  });

  it('prints the help on --help and the version on --version, exiting 0 without starting', async () => {
    const help = runNode(['--help']);
    await help.line((l) => typeof l.raw === 'string' && l.raw.startsWith('Exit status:'), 'the end of the help');
    expect(await help.exited).toBe(0);
    expect(help.lines[0]?.raw).toMatch(/^usage: voice-node --edge-url URL --token TOKEN /);
    expect(help.lines.map((l) => l.raw)).toContainEqual(expect.stringMatching(/^ {2}--token TOKEN +NODE_TOKEN +/));
    expect(help.stderr()).toBe('');

    const version = runNode(['--version']);
    await version.line((l) => l.raw === NODE_VERSION, 'the version');
    expect(await version.exited).toBe(0);
    expect(version.lines).toEqual([{ raw: NODE_VERSION }]);
    expect(version.stderr()).toBe('');
  });
});
