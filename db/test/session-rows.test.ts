import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { insertSession, listSessions, updateSession, writeSession } from '../src/repos/sessions.ts';
import { createTenant } from '../src/repos/tenants.ts';
import { backends, uniqueId } from './backends.ts';

// The coordinator's write-through of a session (edge/src/durable/coordinator/session-rows.ts).
describe.each(backends())('session rows written again on $name', (backend) => {
  let app: ReturnType<typeof createDb>;
  const tenant = uniqueId('rows');
  let guild = 0;
  const fresh = () => ({ id: randomUUID(), tenantId: tenant, guildId: `g${++guild}`, channelId: 'c', startedBy: 'u', startedAt: new Date() });
  const stateOf = async (id: string) => (await listSessions(app.db, tenant, { limit: 500 })).find((s) => s.id === id);

  beforeAll(async () => {
    await backend.setup();
    app = createDb(backend.url(), { max: 2 });
    await createTenant(app.db, { id: tenant });
  });
  afterAll(async () => {
    await app?.close();
    await backend.teardown();
  });

  it('a start given up on, written ended before its own insert lands: the late insert adds nothing, the row stays ended', async () => {
    const session = fresh();
    const endedAt = new Date();
    await writeSession(app.db, tenant, { ...session, state: 'ended', endedAt, endReason: 'failed' });
    // The insert the coordinator gave up on, arriving after all.
    await insertSession(app.db, tenant, session);
    expect(await stateOf(session.id)).toMatchObject({ state: 'ended', endReason: 'failed', endedAt });
    // So the guild's one live session is free for the next start.
    await insertSession(app.db, tenant, { ...fresh(), guildId: session.guildId });
  });

  it('a row whose end was not written is ended by the write again, keeping its last heartbeat', async () => {
    const session = fresh();
    await insertSession(app.db, tenant, session);
    const heartbeat = new Date(Date.now() - 1000);
    await updateSession(app.db, tenant, session.id, { state: 'active', nodeId: 'n1', lastHeartbeatAt: heartbeat });
    await writeSession(app.db, tenant, { ...session, state: 'ended', nodeId: 'n1', endedAt: new Date(), endReason: 'node_lost', lastHeartbeatAt: null });
    expect(await stateOf(session.id)).toMatchObject({ state: 'ended', endReason: 'node_lost', nodeId: 'n1', lastHeartbeatAt: heartbeat });
  });

  it('an ended row is never moved back, by a late update or a stale whole write', async () => {
    const session = fresh();
    await insertSession(app.db, tenant, session);
    await updateSession(app.db, tenant, session.id, { state: 'ended', endedAt: new Date(), endReason: 'stopped' });
    await updateSession(app.db, tenant, session.id, { state: 'active', nodeId: 'n2' });
    await writeSession(app.db, tenant, { ...session, state: 'active', nodeId: 'n2' });
    expect(await stateOf(session.id)).toMatchObject({ state: 'ended', endReason: 'stopped', nodeId: null });
  });

  it("writes only the tenant's own rows", async () => {
    const other = uniqueId('rows-other');
    await createTenant(app.db, { id: other });
    const theirs = { ...fresh(), tenantId: other };
    await insertSession(app.db, other, theirs);
    // The same id written as this tenant's: refused (Postgres's row-level security) or a no-op (PGlite), never a change to theirs.
    await writeSession(app.db, tenant, { ...theirs, tenantId: tenant, state: 'ended', endedAt: new Date(), endReason: 'failed' }).catch(() => undefined);
    expect((await listSessions(app.db, other, { limit: 5 }))[0]).toMatchObject({ id: theirs.id, state: 'pending' });
  });
});
