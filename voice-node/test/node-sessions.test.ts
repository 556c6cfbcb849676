import { afterEach, describe, expect, it } from 'vitest';
import { npcCommand, SECRET_API_KEY, startSession } from './helpers/messages.ts';
import { killAll, startNode, startPeer, TOKEN, type Line, type Peer } from './helpers/processes.ts';

afterEach(killAll);

/** A peer with a node checked in to it. */
async function connected(nodeArgs: string[] = []) {
  const peer = await startPeer();
  const node = startNode(peer, nodeArgs);
  await peer.line((l) => l.message?.type === 'heartbeat', 'the first heartbeat');
  return { peer, node };
}

function stateOf(peer: Peer, session_id: string, state: string): Promise<Line> {
  return peer
    .line((l) => l.message?.type === 'session_state' && l.message.session_id === session_id && l.message.state === state, `${state} ${session_id}`)
    .then((l) => l.message);
}

function replyTo(peer: Peer, request_id: string): Promise<Line> {
  return peer.line((l) => l.message?.type === 'reply' && l.message.request_id === request_id, `reply ${request_id}`).then((l) => l.message);
}

describe('sessions on a running node', () => {
  it('runs a session from start to stop, answering NPC commands and notices on the way', async () => {
    const { peer, node } = await connected();
    const start = startSession();
    peer.send(start);
    expect(await stateOf(peer, start.session_id, 'active')).toEqual({
      type: 'session_state',
      session_id: start.session_id,
      state: 'active',
    });
    await peer.line((l) => l.message?.type === 'heartbeat' && l.message.sessions.includes(start.session_id), 'a heartbeat listing it');

    const ask = async (command: Parameters<typeof npcCommand>[1]) => {
      const message = npcCommand(start.session_id, command);
      peer.send(message);
      return replyTo(peer, message.request_id);
    };
    expect(await ask({ action: 'list' })).toMatchObject({
      ok: true,
      data: { npcs: [{ name: 'Grimble', muted: false }, { name: 'Mara', muted: false }] },
    });
    expect(await ask({ action: 'mute', name: 'Grimble' })).toMatchObject({ ok: true });
    expect(await ask({ action: 'speak', name: 'Grimble', text: 'Hello' })).toMatchObject({ ok: false, error: { code: 'npc_muted' } });
    expect(await ask({ action: 'speak', name: 'Mara', text: 'Hello' })).toMatchObject({ ok: true, data: { queued: true } });
    expect(await ask({ action: 'speak', name: 'Nobody', text: 'Hello' })).toMatchObject({ ok: false, error: { code: 'npc_not_found' } });

    const elsewhere = npcCommand('6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11', { action: 'list' });
    peer.send(elsewhere);
    expect(await replyTo(peer, elsewhere.request_id)).toMatchObject({ ok: false, error: { code: 'session_not_found' } });

    peer.send({ type: 'session_notice', session_id: start.session_id, level: 'warning', message: 'About 5 minute(s) left' });
    const notice = await node.line((l) => l.msg === 'session notice', 'the notice logged');
    expect(notice).toMatchObject({ session_id: start.session_id, tenant_id: 'acme', level: 'warning', notice: 'About 5 minute(s) left' });

    peer.send({ type: 'stop_session', session_id: start.session_id, reason: 'quota' });
    expect(await stateOf(peer, start.session_id, 'ended')).toMatchObject({ reason: 'quota' });
    const after = peer.lines.length;
    await peer.waitFor((lines) => lines.slice(after).find((l) => l.message?.type === 'heartbeat'), 'a later heartbeat');
    expect(peer.lines.slice(after).find((l) => l.message?.type === 'heartbeat')?.message.sessions).toEqual([]);
  });

  it('refuses a session beyond its capacity', async () => {
    const { peer } = await connected(['--capacity', '1']);
    const [a, b] = [startSession(), startSession()];
    peer.send(a);
    await stateOf(peer, a.session_id, 'active');
    peer.send(b);
    expect(await stateOf(peer, b.session_id, 'ended')).toMatchObject({ reason: 'failed', detail: 'node at capacity' });
  });

  it('logs invalid edge messages, fails their request, and keeps working', async () => {
    const { peer, node } = await connected();
    const start = startSession();
    peer.send(start);
    await stateOf(peer, start.session_id, 'active');

    peer.send('this is not json');
    peer.send({ type: 'launch_missiles' });
    peer.send({ type: 'npc_command', request_id: 'bad-1', session_id: start.session_id, action: 'mute' });
    expect(await replyTo(peer, 'bad-1')).toEqual({
      type: 'reply',
      request_id: 'bad-1',
      ok: false,
      error: { code: 'invalid_message', message: expect.stringMatching(/^name: /) },
    });
    await node.waitFor((lines) => (lines.filter((l) => l.msg === 'invalid message from edge').length === 3 ? true : undefined), 'three warnings');

    const list = npcCommand(start.session_id, { action: 'list' });
    peer.send(list);
    expect(await replyTo(peer, list.request_id)).toMatchObject({ ok: true });
  });

  it('never logs the node token or a tenant provider key', async () => {
    const { peer, node } = await connected();
    const start = startSession();
    peer.send(start);
    await stateOf(peer, start.session_id, 'active');
    peer.send({ ...start, session_id: 'not-a-uuid' }); // an invalid copy is logged too
    await node.line((l) => l.msg === 'invalid message from edge', 'the invalid copy logged');
    const output = JSON.stringify(node.lines) + node.stderr();
    expect(output).not.toContain(SECRET_API_KEY);
    expect(output).not.toContain(TOKEN);
  });

  it('serves /healthz and /metrics on loopback', async () => {
    const { peer, node } = await connected();
    const start = startSession();
    peer.send(start);
    await stateOf(peer, start.session_id, 'active');
    const command = npcCommand(start.session_id, { action: 'list' });
    peer.send(command);
    await replyTo(peer, command.request_id);

    const base = `http://127.0.0.1:${await node.healthPort()}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', connected: true, sessions: 1 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('glyphoxa_node_sessions 1\n');
    expect(metrics).toContain('glyphoxa_node_connected 1\n');
    expect(metrics).toContain('glyphoxa_node_messages_total{direction="out",type="hello"} 1\n');
    expect(metrics).toContain('glyphoxa_node_messages_total{direction="in",type="start_session"} 1\n');
    expect(metrics).toMatch(/^glyphoxa_node_messages_total\{direction="out",type="heartbeat"\} \d+$/m);
    expect(metrics).toContain('glyphoxa_node_request_latency_seconds_count 1\n');
  });

  it('on SIGTERM reports every session ended, closes cleanly and exits 0', async () => {
    const { peer, node } = await connected();
    const [a, b] = [startSession(), startSession()];
    peer.send(a);
    peer.send(b);
    await stateOf(peer, a.session_id, 'active');
    await stateOf(peer, b.session_id, 'active');

    const stopping = Date.now();
    node.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(await stateOf(peer, a.session_id, 'ended')).toMatchObject({ reason: 'stopped' });
    expect(await stateOf(peer, b.session_id, 'ended')).toMatchObject({ reason: 'stopped' });
    expect(await peer.line((l) => l.event === 'close', 'the close frame')).toMatchObject({ code: 1000 });
  });
});
