/**
 * A browser cannot set Authorization on a WebSocket, so the dashboard offers two
 * subprotocols: `glyphoxa.live` (LIVE_SUBPROTOCOL in protocol/), which the answer picks, and `bearer.<token>`, which
 * carries the credential (never the URL, which logs and histories keep).
 */
const BEARER_PREFIX = 'bearer.';

export const offeredSubprotocols = (header: string | undefined | null): string[] => (header ?? '').split(',').map((p) => p.trim()).filter(Boolean);

/** The credential a WebSocket upgrade carries in its subprotocols, if any. */
export function subprotocolBearer(header: string | undefined | null): string | null {
  const offered = offeredSubprotocols(header).find((p) => p.startsWith(BEARER_PREFIX));
  return offered ? offered.slice(BEARER_PREFIX.length) || null : null;
}
