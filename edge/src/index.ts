import { createApp } from './app.ts';
import type { Bindings } from './env.ts';
import { isPostgresSocketClose } from './postgres-socket-close.ts';

export { Fleet } from './durable/fleet/fleet.ts';
export { FlushWriter } from './durable/flush-writer/flush-writer.ts';
export { RateLimiter } from './durable/rate-limiter/rate-limiter.ts';
export { ToolServerBreaker } from './durable/tool-server-breaker/tool-server-breaker.ts';
export { TenantCoordinator } from './durable/coordinator/tenant-coordinator.ts';

addEventListener('unhandledrejection', (event) => {
  if (isPostgresSocketClose(event.reason)) event.preventDefault();
});

export default createApp() satisfies ExportedHandler<Bindings>;
