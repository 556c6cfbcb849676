/** A connection warmed this recently is still in the pool: warming again would only add requests. */
const REWARM_MS = 10_000;

/**
 * Keeps a connection to a vendor open ahead of a call, so the call pays no DNS, TCP or
 * TLS set-up: Bun's `fetch.preconnect` where there is one (the connection joins fetch's
 * pool), otherwise a HEAD request whose keep-alive connection the next call reuses.
 * At most once per `REWARM_MS` per warmer.
 */
export function createWarmer(baseUrl: string): () => void {
  const origin = new URL(baseUrl.replace(/^ws/, 'http')).origin;
  let warmedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (now - warmedAt < REWARM_MS) return;
    warmedAt = now;
    const preconnect = (fetch as { preconnect?: (url: string) => void }).preconnect;
    if (preconnect) preconnect(origin);
    else void fetch(origin, { method: 'HEAD' }).then((reply) => reply.body?.cancel(), () => {});
  };
}
