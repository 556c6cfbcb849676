import { createApp } from './app.ts';
import type { Bindings } from './env.ts';

export { Fleet } from './durable/fleet.ts';
export { TenantCoordinator } from './durable/tenant-coordinator.ts';

// postgres.js on workerd rejects a stray promise whenever a connection closes
// (porsager/postgres#1196, #1202): a closed socket's reader, nothing of ours.
// Everything else still surfaces.
addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof TypeError && /This socket has been closed|Stream was cancelled/.test(event.reason.message)) {
    event.preventDefault();
  }
});

export default createApp() satisfies ExportedHandler<Bindings>;
