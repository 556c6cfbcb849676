import { env, exports } from 'cloudflare:workers';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { PROTOCOL_VERSION, type EdgeMessage, type NodeMessage } from '@glyphoxa/protocol';
import { coordinatorOf } from '../../src/durable/stubs.ts';
import { admin, snowflake } from './admin.ts';
import { eventually } from './eventually.ts';

/**
 * A voice node as the edge sees one, driven by the test over a real WebSocket
 * to the Worker and its Fleet. (Process-level tests use the real voice node.)
 */
export class TestNode {
  readonly received: EdgeMessage[] = [];
  private waiters: Array<() => void> = [];
  readonly ws: WebSocket;
  readonly nodeId: string;

  private constructor(ws: WebSocket, nodeId: string) {
    this.ws = ws;
    this.nodeId = nodeId;
    ws.addEventListener('message', (event) => {
      this.received.push(JSON.parse(event.data as string) as EdgeMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(token: string, options: { capacity?: number; autoActivate?: boolean; audioUrl?: string } = {}): Promise<TestNode> {
    const res = await exports.default.fetch('http://edge.test/nodes/connect', {
      headers: { upgrade: 'websocket', authorization: `Bearer ${token}` },
    });
    if (!res.webSocket) throw new Error(`connect refused: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    const node = new TestNode(res.webSocket, token.split('.')[0]!);
    if (options.autoActivate !== false) {
      res.webSocket.addEventListener('message', (event) => {
        const msg = JSON.parse(event.data as string) as EdgeMessage;
        if (msg.type === 'start_session') node.send({ type: 'session_state', session_id: msg.session_id, state: 'active' });
      });
    }
    node.send({ type: 'hello', node_id: node.nodeId, version: 'test', protocol: PROTOCOL_VERSION, capacity: options.capacity ?? 4, region: 'local', ...(options.audioUrl && { audio_url: options.audioUrl }) });
    await node.next((m) => m.type === 'welcome');
    return node;
  }

  send(message: NodeMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** The first message (already received or coming) that matches, within `timeoutMs`. */
  async next<T extends EdgeMessage>(match: (m: EdgeMessage) => m is T, timeoutMs?: number): Promise<T>;
  async next(match: (m: EdgeMessage) => boolean, timeoutMs?: number): Promise<EdgeMessage>;
  async next(match: (m: EdgeMessage) => boolean, timeoutMs = 5000): Promise<EdgeMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) {
        this.received.splice(this.received.indexOf(found), 1);
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  close(): void {
    this.ws.close(1000, 'test done');
  }
}

/**
 * Starts a session for `tenantId` (already created) on the shared pool, waits
 * until `node` got the assignment and the coordinator holds it active.
 */
export async function startActiveSession(node: TestNode, tenantId: string) {
  const res = await admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
  if (res.status !== 201) throw new Error(`start refused: ${JSON.stringify(res.body)}`);
  const id = res.body.session.id as string;
  await node.next((m) => m.type === 'start_session' && m.session_id === id);
  const coordinator = coordinatorOf(env, tenantId);
  for (let i = 0; i < 100 && (await coordinator.liveSessions())[0]?.state !== 'active'; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { id, coordinator };
}

/** Keeps the session alive (heartbeats) and runs its coordinator's alarm until its node is told to stop it, within `timeoutMs`. */
export async function untilStopped(node: TestNode, coordinator: ReturnType<typeof coordinatorOf>, id: string, timeoutMs: number) {
  return eventually(
    'the session stopped',
    async () => {
      node.send({ type: 'heartbeat', sessions: [id] });
      await runDurableObjectAlarm(coordinator);
      return node.received.find((m) => m.type === 'stop_session' && m.session_id === id);
    },
    { timeoutMs, everyMs: 100 },
  );
}
