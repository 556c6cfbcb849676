import type { NodeMessage, SessionState } from '@glyphoxa/protocol';
import { describe, expect, it } from 'vitest';
import { startControlRuntime } from './helpers/control-runtime.ts';
import { createLogger } from '@glyphoxa/protocol';
import type { StartRuntime } from '../src/session-runtime.ts';
import { createSessionRegistry } from '../src/sessions.ts';
import { npc, npcCommand, startSession } from './helpers/messages.ts';

function registry(capacity = 4, startRuntime: StartRuntime = startControlRuntime) {
  const reports: SessionState[] = [];
  const sessions = createSessionRegistry({
    capacity,
    startRuntime,
    send: (message: NodeMessage) => {
      if (message.type === 'session_state') reports.push(message);
    },
    log: createLogger({}, { sink: () => {} }),
  });
  return { sessions, reports };
}

describe('session lifecycle', () => {
  it('reports an accepted session active and lists it for heartbeats', async () => {
    const { sessions, reports } = registry();
    const start = startSession();
    await sessions.start(start);
    expect(reports).toEqual([{ type: 'session_state', session_id: start.session_id, state: 'active' }]);
    expect(sessions.ids()).toEqual([start.session_id]);
    expect(sessions.size).toBe(1);
  });

  it('re-reports a repeated assignment as active without running it twice', async () => {
    const { sessions, reports } = registry();
    const start = startSession();
    await sessions.start(start);
    await sessions.start(start);
    expect(reports.map((r) => r.state)).toEqual(['active', 'active']);
    expect(sessions.size).toBe(1);
  });

  it('refuses sessions beyond capacity, counting those still starting', async () => {
    const { sessions, reports } = registry(1);
    const [a, b] = [startSession(), startSession()];
    await Promise.all([sessions.start(a), sessions.start(b)]);
    expect(reports).toContainEqual({ type: 'session_state', session_id: a.session_id, state: 'active' });
    expect(reports).toContainEqual({
      type: 'session_state',
      session_id: b.session_id,
      state: 'ended',
      reason: 'failed',
      detail: 'node at capacity',
    });
    expect(sessions.ids()).toEqual([a.session_id]);
  });

  it('stops a session with the given reason', async () => {
    const { sessions, reports } = registry();
    const start = startSession();
    await sessions.start(start);
    await sessions.stop(start.session_id, 'quota');
    expect(reports.at(-1)).toEqual({ type: 'session_state', session_id: start.session_id, state: 'ended', reason: 'quota' });
    expect(sessions.ids()).toEqual([]);
  });

  it('ignores a stop for a session it does not run, so a stop/ended exchange cannot loop', async () => {
    const { sessions, reports } = registry();
    const start = startSession();
    await sessions.start(start);
    await sessions.stop(start.session_id, 'stopped');
    await sessions.stop(start.session_id, 'failed');
    await sessions.stop('6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11', 'node_lost');
    expect(reports.map((r) => [r.state, r.reason])).toEqual([
      ['active', undefined],
      ['ended', 'stopped'],
    ]);
  });

  it('reports a session whose runtime fails to start as failed, freeing its slot', async () => {
    const { sessions, reports } = registry(1, async () => {
      throw new Error('voice channel not found');
    });
    const start = startSession();
    await sessions.start(start);
    expect(reports).toEqual([
      { type: 'session_state', session_id: start.session_id, state: 'ended', reason: 'failed', detail: 'voice channel not found' },
    ]);
    expect(sessions.size).toBe(0);
  });

  it('does not report active a session stopped while it was starting', async () => {
    let release = () => {};
    const slow: StartRuntime = (assignment, context) =>
      new Promise((done) => {
        release = () => done(startControlRuntime(assignment, context));
      });
    const { sessions, reports } = registry(4, slow);
    const start = startSession();
    const starting = sessions.start(start);
    const stopping = sessions.stop(start.session_id, 'stopped');
    release();
    await Promise.all([starting, stopping]);
    expect(reports.map((r) => r.state)).toEqual(['ended']);
  });

  it('passes notices to their session and drops those for unknown sessions', async () => {
    const notices: unknown[] = [];
    const { sessions } = registry(4, async (assignment, context) => ({
      ...(await startControlRuntime(assignment, context)),
      notice: (notice) => notices.push(notice),
    }));
    const start = startSession();
    await sessions.start(start);
    const notice = { type: 'session_notice', session_id: start.session_id, level: 'warning', message: '5 minutes left' } as const;
    await sessions.notify(notice);
    await sessions.notify({ ...notice, session_id: '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11' });
    expect(notices).toEqual([notice]);
  });

  it('gives a session the roster the edge sends, and drops one for an unknown session', async () => {
    const { sessions } = registry();
    const start = startSession();
    await sessions.start(start);
    await sessions.replaceRoster({ type: 'npc_roster', session_id: start.session_id, npcs: [{ ...start.npcs[0]!, id: 'npc-new', name: 'Newcomer', muted: true }] });
    await sessions.replaceRoster({ type: 'npc_roster', session_id: '6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11', npcs: [] });
    expect(await sessions.command(npcCommand(start.session_id, { action: 'list' }))).toMatchObject({ ok: true, data: { npcs: [{ name: 'Newcomer', muted: true }] } });
  });

  it('stops every session at once', async () => {
    const { sessions, reports } = registry();
    await sessions.start(startSession());
    await sessions.start(startSession());
    await sessions.stopAll('stopped');
    expect(reports.filter((r) => r.state === 'ended' && r.reason === 'stopped')).toHaveLength(2);
    expect(sessions.size).toBe(0);
  });
});

describe('NPC commands', () => {
  async function running() {
    const { sessions } = registry();
    const start = startSession({ npcs: [npc('Grimble', { aliases: ['the innkeeper'] }), npc('Mara', { muted: true })] });
    await sessions.start(start);
    const run = (command: Parameters<typeof npcCommand>[1]) => sessions.command(npcCommand(start.session_id, command));
    return { run, sessions, start };
  }

  it('lists the NPCs with their muted flags', async () => {
    const { run } = await running();
    expect(await run({ action: 'list' })).toMatchObject({
      type: 'reply',
      ok: true,
      data: { npcs: [{ name: 'Grimble', muted: false }, { name: 'Mara', muted: true }] },
    });
  });

  it('mutes and unmutes by name or alias, case-insensitively', async () => {
    const { run } = await running();
    expect(await run({ action: 'mute', name: 'THE INNKEEPER' })).toMatchObject({ ok: true });
    expect(await run({ action: 'unmute', name: 'mara' })).toMatchObject({ ok: true });
    expect(await run({ action: 'list' })).toMatchObject({
      data: { npcs: [{ name: 'Grimble', muted: true }, { name: 'Mara', muted: false }] },
    });
  });

  it('mutes and unmutes everyone', async () => {
    const { run } = await running();
    await run({ action: 'muteall' });
    expect(await run({ action: 'list' })).toMatchObject({ data: { npcs: [{ muted: true }, { muted: true }] } });
    await run({ action: 'unmuteall' });
    expect(await run({ action: 'list' })).toMatchObject({ data: { npcs: [{ muted: false }, { muted: false }] } });
  });

  it('queues speech for an unmuted NPC and refuses a muted or unknown one', async () => {
    const { run } = await running();
    expect(await run({ action: 'speak', name: 'Grimble', text: 'Welcome!' })).toMatchObject({ ok: true, data: { queued: true } });
    expect(await run({ action: 'speak', name: 'Mara', text: 'Hi' })).toMatchObject({ ok: false, error: { code: 'npc_muted' } });
    expect(await run({ action: 'speak', name: 'Bob', text: 'Hi' })).toMatchObject({ ok: false, error: { code: 'npc_not_found' } });
    expect(await run({ action: 'mute', name: 'Bob' })).toMatchObject({ ok: false, error: { code: 'npc_not_found' } });
  });

  it('answers session_not_found for a session this node does not run', async () => {
    const { sessions } = registry();
    const command = npcCommand('6f1c2a4e-1b7d-4c4e-9a53-0d2f0c8a9b11', { action: 'list' });
    expect(await sessions.command(command)).toEqual({
      type: 'reply',
      request_id: command.request_id,
      ok: false,
      error: { code: 'session_not_found', message: expect.any(String) },
    });
  });

  it('keeps each session its own NPC state', async () => {
    const { sessions } = registry();
    const [a, b] = [startSession(), startSession()];
    await sessions.start(a);
    await sessions.start(b);
    await sessions.command(npcCommand(a.session_id, { action: 'muteall' }));
    expect(await sessions.command(npcCommand(b.session_id, { action: 'list' }))).toMatchObject({
      data: { npcs: [{ muted: false }, { muted: false }] },
    });
  });

  it('answers internal when the runtime throws', async () => {
    const { sessions } = registry(4, async () => ({
      command: () => {
        throw new Error('boom');
      },
      notice: () => {},
      replaceNpcs: () => {},
      replaceFacts: () => {},
      stop: async () => {},
    }));
    const start = startSession();
    await sessions.start(start);
    expect(await sessions.command(npcCommand(start.session_id, { action: 'list' }))).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});
