/**
 * postgres.js on workerd rejects a stray promise whenever a connection closes
 * (porsager/postgres#1196, #1202): a closed socket's reader, nothing of ours.
 * The Worker (and its tests) ignore exactly that; everything else still surfaces.
 */
export function isPostgresSocketClose(reason: unknown): boolean {
  // Read by shape: the test runner sees it as a serialized error, not an Error instance.
  const { name, message } = (reason ?? {}) as { name?: unknown; message?: unknown };
  return name === 'TypeError' && typeof message === 'string' && /This socket has been closed|Stream was cancelled/.test(message);
}
