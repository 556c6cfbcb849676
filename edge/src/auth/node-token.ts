import { secretsEqual, sha256Hex } from './constant-time.ts';
import { randomToken } from './random-token.ts';

/**
 * Node tokens are `<node id>.<secret>`: the id finds the registry row, the
 * secret is checked against its SHA-256. Only the hash is stored; the token is
 * shown once, when the node is created.
 */
/** A node's id: `node-` and 8 hex digits. */
export const NODE_ID_PATTERN = /^node-[a-f0-9]{8}$/;

export interface IssuedNodeToken {
  nodeId: string;
  token: string;
  tokenHash: string;
}

export async function issueNodeToken(): Promise<IssuedNodeToken> {
  const nodeId = `node-${crypto.randomUUID().slice(0, 8)}`;
  const secret = randomToken();
  return { nodeId, token: `${nodeId}.${secret}`, tokenHash: await sha256Hex(secret) };
}

/** Splits a presented token; null when it cannot be one of ours. */
export function readNodeToken(token: string): { nodeId: string; secret: string } | null {
  const dot = token.indexOf('.');
  const nodeId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return dot > 0 && NODE_ID_PATTERN.test(nodeId) && /^[A-Za-z0-9_-]{20,}$/.test(secret) ? { nodeId, secret } : null;
}

export async function nodeSecretMatches(secret: string, tokenHash: string): Promise<boolean> {
  return secretsEqual(await sha256Hex(secret), tokenHash);
}
