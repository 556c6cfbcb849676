import { PROTOCOL_VERSION, type EdgeMessage } from '../../protocol/src/index.ts';

/**
 * A voice node reduced to its control protocol, for load: it says hello,
 * heartbeats, reports every assigned session active at once and answers npc commands.
 */
export class SimulatedNode {
  readonly ws: WebSocket;
  readonly nodeId: string;
  readonly sessions = new Set<string>();
  /** `transcript` batches the edge refused (over budget, or not stored). */
  transcriptRefusals = 0;
  /** When each periodic heartbeat went out (performance.now()), to set call latencies beside them. */
  readonly beatsAt: number[] = [];
  private errorWaiters: Array<() => void> = [];
  private beat: ReturnType<typeof setInterval> | undefined;

  private constructor(ws: WebSocket, nodeId: string) {
    this.ws = ws;
    this.nodeId = nodeId;
  }

  static connect(edgeUrl: string, token: string, capacity: number): Promise<SimulatedNode> {
    const ws = new WebSocket(`${edgeUrl.replace(/^http/, 'ws')}/nodes/connect`, { headers: { authorization: `Bearer ${token}` } } as never);
    const node = new SimulatedNode(ws, token.split('.')[0]!);
    return new Promise((resolve, reject) => {
      ws.addEventListener('error', () => reject(new Error(`node ${node.nodeId} could not connect`)));
      ws.addEventListener('open', () =>
        node.send({ type: 'hello', node_id: node.nodeId, version: 'bench', protocol: PROTOCOL_VERSION, capacity, region: 'bench' }),
      );
      ws.addEventListener('message', (event) => {
        const msg = JSON.parse(String(event.data)) as EdgeMessage;
        if (msg.type === 'welcome') {
          // Like a real node: its sessions stay alive only while it heartbeats.
          node.beat = setInterval(() => {
            node.beatsAt.push(performance.now());
            node.send({ type: 'heartbeat', sessions: [...node.sessions] });
          }, msg.heartbeat_interval_ms);
          resolve(node);
        }
        else if (msg.type === 'start_session') {
          node.sessions.add(msg.session_id);
          node.send({ type: 'session_state', session_id: msg.session_id, state: 'active' });
        } else if (msg.type === 'stop_session') node.sessions.delete(msg.session_id);
        else if (msg.type === 'npc_command') node.send({ type: 'reply', request_id: msg.request_id, ok: true, data: { npcs: [] } });
        else if (msg.type === 'error' && msg.request_type === 'transcript') node.transcriptRefusals++;
        else if (msg.type === 'error') for (const wake of node.errorWaiters.splice(0)) wake();
      });
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /**
   * Sends `count` heartbeats, then a message the edge must refuse; messages on
   * a socket are handled in order, so the refusal's arrival means all were absorbed.
   */
  async heartbeats(count: number): Promise<void> {
    const absorbed = new Promise<void>((resolve) => this.errorWaiters.push(resolve));
    for (let i = 0; i < count; i++) this.send({ type: 'heartbeat', sessions: [...this.sessions] });
    this.send({ type: 'bench_marker' });
    await absorbed;
  }

  close(): void {
    clearInterval(this.beat);
    this.ws.close(1000);
  }
}
