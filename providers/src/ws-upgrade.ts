/**
 * A refused WebSocket upgrade as an error `Resilience` can classify: with its HTTP
 * status when the socket library reports it (`ws`, in Node and Bun: "Unexpected
 * server response: 401"), so a bad key is not retried and a missing endpoint is
 * not asked again.
 */
export function wsUpgradeFailure(event: unknown): Error {
  const message = (event as { message?: unknown } | undefined)?.message;
  const status = typeof message === 'string' ? /server response: (\d{3})/.exec(message)?.[1] : undefined;
  if (status) return Object.assign(new Error('WebSocket upgrade refused'), { status: Number(status) });
  return new Error(typeof message === 'string' && message ? message : 'WebSocket upgrade failed');
}
