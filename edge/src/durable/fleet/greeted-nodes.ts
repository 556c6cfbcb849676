/** What a node's socket carries across hibernation. */
export interface NodeAttachment {
  nodeId: string;
  /** Set once the node said hello. */
  capacity?: number;
  version?: string;
  region?: string;
  /** Where browsers reach this node's audio endpoint, if it serves one. */
  audioUrl?: string;
  /**
   * The node's latest heartbeat on this connection: when, and the sessions placed on it that
   * the heartbeat did not list (usually none; null: too many to keep on the socket, whose
   * attachment holds 2 KiB). On the socket, so it outlasts hibernation.
   */
  beat?: { at: number; unlisted: string[] | null };
}

export interface GreetedNode {
  node: NodeAttachment & { capacity: number };
  ws: WebSocket;
}

/**
 * The nodes of a pool that said hello, with their sockets, by node id. Placement reads
 * this instead of every socket's attachment (1,000 nodes cost ~10 ms a start that way);
 * after hibernation it is rebuilt from the sockets on first use.
 */
export class GreetedNodes {
  private byId: Map<string, GreetedNode> | undefined;
  private readonly sockets: () => Iterable<{ ws: WebSocket; node: NodeAttachment | null }>;

  constructor(sockets: () => Iterable<{ ws: WebSocket; node: NodeAttachment | null }>) {
    this.sockets = sockets;
  }

  all(): Iterable<GreetedNode> {
    return this.map().values();
  }

  has(nodeId: string): boolean {
    return this.map().has(nodeId);
  }

  get(nodeId: string): GreetedNode | undefined {
    return this.map().get(nodeId);
  }

  greet(node: GreetedNode['node'], ws: WebSocket): void {
    this.map().set(node.nodeId, { node, ws });
  }

  /** Forgets the node; with `ws`, only if that is still its socket (a newer one may have replaced it). */
  forget(nodeId: string, ws?: WebSocket): void {
    if (!this.byId || (ws && this.byId.get(nodeId)?.ws !== ws)) return;
    this.byId.delete(nodeId);
  }

  clear(): void {
    this.byId = undefined;
  }

  private map(): Map<string, GreetedNode> {
    if (!this.byId) {
      this.byId = new Map();
      for (const { ws, node } of this.sockets()) if (node?.capacity) this.byId.set(node.nodeId, { node: { ...node, capacity: node.capacity }, ws });
    }
    return this.byId;
  }
}
